from django.shortcuts import render

from crm_site.api import errors as api_errors


def server_error(request):
    # An error outside the API's own handler (in a middleware, say) still answers an API client in JSON.
    if request.path_info.startswith("/api/"):
        return api_errors.server_error(request)
    return render(request, "500.html", status=500)
