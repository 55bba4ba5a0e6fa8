from django.apps import AppConfig


class TriageConfig(AppConfig):
    name = "careguide.triage"
    label = "triage"

    def ready(self):
        from careguide.core import pagecache
        from careguide.triage import checks  # noqa: F401 - registers the start-up checks
        from careguide.triage.deployment import side_effects_tool

        # Pages show thresholds from the rules in force (ADR 0022): a new rule set or a changed
        # deployment parameter must not be answered from a page cached under the old one.
        pagecache.vary_on("rules", lambda: side_effects_tool().version)
