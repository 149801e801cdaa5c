"""Operation specs: the single source of truth for names, parameter order and result shape.

The envelope builder, the transports, the parser, the emulator and its help pages all
read these specs, so what the SDK sends, parses and documents cannot drift apart.
"""

from __future__ import annotations

import attrs

__all__ = [
    "GET_IMAGES_LIST",
    "GET_IMAGE_STATUS",
    "NAMESPACE",
    "OPERATIONS",
    "RECORD_ATTRIBUTES",
    "RECORD_FIELDS",
    "Call",
    "Field",
    "Operation",
]

NAMESPACE = "http://removethebackground.com/"


@attrs.frozen(slots=True)
class Field:
    """One element of the ``ImageStatus`` record on the wire."""

    wire_name: str
    attribute: str
    xsd_type: str  # "string", "guid", "int", "boolean" or "ArrayOfString"


RECORD_ELEMENT = "ImageStatus"
RECORD_FIELDS: tuple[Field, ...] = (
    Field("ImageTicket", "image_ticket", "guid"),
    Field("CustomerImageId", "customer_image_id", "string"),
    Field("ProductId", "product_id", "string"),
    Field("StatusName", "status_name", "string"),
    Field("StatusId", "status_id", "int"),
    Field("IsPaid", "is_paid", "boolean"),
    Field("ThumbnailImageURL", "thumbnail_image_url", "string"),
    Field("FinalImagesURL", "final_image_urls", "ArrayOfString"),
)
RECORD_ATTRIBUTES = tuple(field.attribute for field in RECORD_FIELDS)  # ImageStatus, in order


@attrs.frozen(slots=True)
class Operation:
    """An ASMX web method: its name, its ``xsd:string`` parameters in WSDL order, and
    whether its result holds a list of records (``Images``) or exactly one."""

    name: str
    parameters: tuple[str, ...]
    returns_list: bool
    result_type: str  # the .NET return type: the GET/POST root element name

    @property
    def soap_action(self) -> str:
        return NAMESPACE + self.name

    @property
    def response_element(self) -> str:
        return self.name + "Response"

    @property
    def result_element(self) -> str:
        return self.name + "Result"


GET_IMAGES_LIST = Operation(
    name="GetImagesList",
    parameters=(
        "contactEmail",
        "contactAPIkey",
        "imageStatus",
        "excludeImageStatus",
        "productId",
        "fromDate",
        "toDate",
        "page",
        "imagesPerPage",
        "sortBy",
        "isDescending",
    ),
    returns_list=True,
    result_type="ImagesListResponse",
)

GET_IMAGE_STATUS = Operation(
    name="GetImageStatus",
    parameters=("contactEmail", "contactAPIkey", "imageTicket", "customerImageId"),
    returns_list=False,
    result_type="ImageStatusResponse",
)

OPERATIONS: dict[str, Operation] = {op.name: op for op in (GET_IMAGES_LIST, GET_IMAGE_STATUS)}

API_KEY_PARAMETER = "contactAPIkey"


@attrs.frozen(slots=True, repr=False)
class Call:
    """One invocation: the operation and every parameter value, already serialized.

    ``values`` lines up with ``operation.parameters``; unset parameters are ``""``. The
    repr hides the API key, which travels in ``values``.
    """

    operation: Operation
    values: tuple[str, ...]

    def __attrs_post_init__(self) -> None:
        if len(self.values) != len(self.operation.parameters):
            count = len(self.operation.parameters)
            raise ValueError(f"{self.operation.name} takes {count} values")

    @property
    def items(self) -> tuple[tuple[str, str], ...]:
        """``(parameter, value)`` pairs in WSDL order."""
        return tuple(zip(self.operation.parameters, self.values, strict=True))

    @property
    def api_key(self) -> str:
        return self.values[self.operation.parameters.index(API_KEY_PARAMETER)]

    def __repr__(self) -> str:
        shown = ", ".join(
            f"{name}={'***' if name == API_KEY_PARAMETER else repr(value)}"
            for name, value in self.items
        )
        return f"Call({self.operation.name}, {shown})"
