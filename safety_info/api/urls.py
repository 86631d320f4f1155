def register(router) -> list:
    return []
