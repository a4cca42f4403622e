from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo and benchmark data generators (seed_demo, seed_callbacks_demo, generate_complaints).

    The top layer: it drives every app's services, and nothing outside the tests imports it.
    """

    name = "kesu.demo"
    label = "demo"
