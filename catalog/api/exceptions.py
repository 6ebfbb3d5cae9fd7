from rest_framework import status
from rest_framework.exceptions import APIException


class InvalidParameters(APIException):
    """A 400 naming every query parameter that could not be used.

    The body is `{"detail": summary, "errors": [one message per problem]}`, the
    same shape as every other API error plus the list.
    """

    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "invalid_parameters"

    def __init__(self, errors):
        super().__init__(
            detail={
                "detail": "Some query parameters are not valid; see `errors`.",
                "errors": list(errors),
            }
        )
