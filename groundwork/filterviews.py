"""Public lists filtered by their query string (django-filter's FilterView): a filter value the form refuses."""


class RefusedFilterStatusMixin:
    """Answers a filter value the form refuses with `refused_filter_status` (400), the page still showing the form's
    errors, so that a link checker or a script sees that the address is wrong."""

    refused_filter_status = 400

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        if self.filterset.is_bound and not self.filterset.is_valid():
            response.status_code = self.refused_filter_status
        return response
