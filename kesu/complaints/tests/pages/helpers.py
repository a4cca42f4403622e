"""Shared test data of the workspace tests."""

# The intake form of a new caller, as frontline staff fill it in.
NEW_CALL = {
    "phone": "139 0000 1111",
    "customer_name": "赵六",
    "kind": "complaint",
    "channel": "phone",
    "demand": "repair",
    "title": "空调不制冷",
    "account": "夏天开空调一直吹热风。",
    "category": "",
}
