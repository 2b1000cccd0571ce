from .models import ADMIN, MEMBER, MODERATOR, ApiToken, User
