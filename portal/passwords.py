"""Password policy beyond Django's validators: letters and digits both required."""

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class CharacterClassValidator:
    def validate(self, password, user=None):
        if not any(c.isalpha() for c in password) or not any(c.isdigit() for c in password):
            raise ValidationError(
                _("密码须同时包含字母和数字。"), code="password_character_classes"
            )

    def get_help_text(self):
        return _("密码须同时包含字母和数字。")


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's length rule with a Chinese message: Django 5.2 changed the English text and
    its zh_Hans catalogue has no translation for the new one."""

    def get_error_message(self):
        return _("密码太短：至少需要 %(min_length)d 个字符。") % {"min_length": self.min_length}

    def get_help_text(self):
        return _("密码至少需要 %(min_length)d 个字符。") % {"min_length": self.min_length}
