from rest_framework import pagination


class PageNumberPagination(pagination.PageNumberPagination):
    """`?page=N&page_size=M`; the page size is capped at 200 and the total is in `count`."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    page_size_query_description = "Number of results per page (at most 200; default 50)."
