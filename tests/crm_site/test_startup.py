"""A served process freezes its warm heap out of the collector's full passes after its 1st and 20th request
(crm_site.startup), and the WSGI application is wrapped so."""

import gc

from crm_site import startup


def test_the_heap_is_frozen_after_the_first_and_the_twentieth_request(monkeypatch):
    frozen = []
    monkeypatch.setattr(startup.gc, "freeze", lambda: frozen.append(len(served)))
    served = []

    def app(environ, start_response):
        served.append(1)
        return [b"ok"]

    settling = startup.Settling(app)
    for _ in range(25):
        assert settling({}, None) == [b"ok"]
    assert frozen == [1, 20]


def test_the_wsgi_application_settles_and_the_frozen_objects_leave_the_collector(monkeypatch):
    from crm_site.wsgi import application

    assert isinstance(application, startup.Settling)
    try:
        startup.settle()
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
