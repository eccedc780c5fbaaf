from django.apps import AppConfig


class ExampleConfig(AppConfig):
    name = "example_project"

    def ready(self) -> None:
        from example_project import receivers  # noqa: F401  (connects the signal receivers)
