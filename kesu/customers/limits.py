"""The longest text a customer's record takes, in characters (see kesu/core/limits.py)."""

NAME = 100  # a customer's or a key person's name
TITLE = 100  # a key person's title
ADDRESS = 300
PRODUCT = 200  # a purchase's product or model
REFERENCE = 64  # an order or service visit number
NOTES = 2_000  # standing notes on the customer, not a case file
