from rest_framework import status
from rest_framework.exceptions import APIException


class InvalidParameters(APIException):
    """A 400 naming every query parameter that could not be used.

    The body is `{"detail": summary, "errors": [one message per problem],
    "parameters": [{"parameter": name, "message": message}, ...]}`: the shape
    of every other API error plus the problems, as sentences and as data.
    """

    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "invalid_parameters"

    def __init__(self, problems):
        """`problems`: (parameter, message) pairs."""
        problems = list(problems)
        super().__init__(
            detail={
                "detail": "Some query parameters are not valid; see `errors`.",
                "errors": [message for _, message in problems],
                "parameters": [
                    {"parameter": name, "message": message}
                    for name, message in problems
                ],
            }
        )
