from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


def database_state() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # any failure to reach the database means "down"
        return "down"
    return "ok"


def broker_state() -> str:
    if not settings.REDIS_URL:
        return "eager"
    try:
        import redis

        client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1)
        client.ping()
    except Exception:
        return "down"
    return "ok"


@login_not_required
@require_GET
@never_cache
def healthz(request):
    """200 with the state of the database and the broker; 503 when the database is unreachable."""
    state = {"database": database_state(), "broker": broker_state()}
    state["status"] = "ok" if state["database"] == "ok" and state["broker"] in ("ok", "eager") else "degraded"
    return JsonResponse(state, status=503 if state["database"] != "ok" else 200)
