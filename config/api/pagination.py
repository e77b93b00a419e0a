from rest_framework.pagination import PageNumberPagination

from config.api.bounds import ID_MAX, parse_id
from config.api.exceptions import ApplicationError


class DefaultPagination(PageNumberPagination):
    """Pages as the schema documents them: `page` a positive integer (past the last page
    is a 404), `page_size` 1 to 100. DRF would read a malformed `page` as a 404 and ignore
    a malformed `page_size`; both are the client's mistake, so a 400 says so."""

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100

    def paginate_queryset(self, queryset, request, view=None):
        if self.page_query_param in request.query_params:
            self._number(request, self.page_query_param, "invalid_page", maximum=None)
        return super().paginate_queryset(queryset, request, view)

    def get_page_size(self, request):
        if self.page_size_query_param in request.query_params:
            name = self.page_size_query_param
            return self._number(request, name, "invalid_page_size", maximum=self.max_page_size)
        return self.page_size

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            is_size = parameter["name"] == self.page_size_query_param
            parameter["schema"].update(minimum=1, maximum=self.max_page_size if is_size else ID_MAX)
        return parameters

    def _number(self, request, name, code, *, maximum):
        number = parse_id(request.query_params[name])
        if number is None or (maximum is not None and number > maximum):
            limit = f" up to {maximum}" if maximum else ""
            raise ApplicationError(code, f"{name} must be a positive integer{limit}.")
        return number
