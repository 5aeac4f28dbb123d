"""Who may do what through the API (docs/architecture.md, "Who may see and change what").

Anyone may read; what they see is narrowed by each viewset's queryset
(`visible_to(user)`). Writing needs the model's add/change/delete permission,
which only the Coordinators group holds: Members read, and are refused writes.
"""

from rest_framework.permissions import DjangoModelPermissionsOrAnonReadOnly


class ReadOrCoordinatorWrite(DjangoModelPermissionsOrAnonReadOnly):
    pass
