"""What the navigation bar of every page offers the signed-in user.

Each entry asks the app that owns the page whether this user may use it, so the bar never
shows a link its page would refuse, nor hides one it would serve.
"""

from kesu.callbacks.selectors import may_use_workspace
from kesu.complaints.services import may_register


def navigation(request) -> dict[str, bool]:
    """Template context processor (settings.TEMPLATES)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"can_register": may_register(user), "nav_callbacks": may_use_workspace(user)}
