from enum import Enum


class RandomizationUnit(str, Enum):
    NORMANDY = "normandy_id"
    NIMBUS = "nimbus_id"
    USER_ID = "user_id"
    GROUP_ID = "group_id"
