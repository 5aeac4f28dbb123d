from rest_framework import pagination
from rest_framework.exceptions import ValidationError


class PageNumberPagination(pagination.PageNumberPagination):
    """`?page=N&page_size=M`; the page size is capped at 200 and the total is in `count`.

    A page or page size that is not one whole number of at least 1 (empty,
    `0`, `ten`, given twice) answers 400 naming it, rather than being silently
    replaced by the default; a page past the last answers 404.
    """

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    page_size_query_description = "Results per page: 1 to 200 (larger values are capped at 200); default 50."

    def get_page_size(self, request):
        values = request.query_params.getlist(self.page_size_query_param)
        if not values:
            return self.page_size
        try:
            size = int(values[-1])
        except ValueError:
            size = 0
        if size < 1 or len(values) > 1:
            raise ValidationError({self.page_size_query_param: ["Give one whole number from 1 to 200."]})
        return min(size, self.max_page_size)

    def get_page_number(self, request, paginator):
        pages = request.query_params.getlist(self.page_query_param)
        if not pages:
            return 1
        # isdigit() alone would take "²" and "١"; only ASCII digits are a page number.
        if len(pages) > 1 or not (pages[0].isascii() and pages[0].isdigit() and int(pages[0]) >= 1):
            raise ValidationError({self.page_query_param: ["Give one whole number from 1."]})
        return int(pages[0])

    def check_parameters(self, request) -> None:
        """For CSV, which is not paginated: still refuse malformed page parameters (400)."""
        self.get_page_size(request)
        self.get_page_number(request, None)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"]["minimum"] = 1
        return parameters
