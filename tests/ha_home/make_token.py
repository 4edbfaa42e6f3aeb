"""Create an admin user and a long-lived access token for a Home Assistant config folder.

Run with Home Assistant's own Python (``.ha-venv/bin/python make_token.py CONFIG_DIR``) before
Home Assistant starts: HA's auth manager writes the user and the refresh token to
``CONFIG_DIR/.storage/auth``; the access token (a JWT signed with that refresh token's key,
valid ten years) is printed. This is how the tests skip onboarding without a browser.
"""

import asyncio
import sys
from datetime import timedelta

from homeassistant import core
from homeassistant.auth import auth_manager_from_config
from homeassistant.auth.const import GROUP_ID_ADMIN
from homeassistant.auth.models import TOKEN_TYPE_LONG_LIVED_ACCESS_TOKEN
from homeassistant.helpers import area_registry, device_registry, entity_registry


async def main(config_dir: str) -> str:
    hass = core.HomeAssistant(config_dir)
    for registry in (area_registry, device_registry, entity_registry):  # the auth store reads them
        await registry.async_load(hass)
    hass.auth = await auth_manager_from_config(hass, [{"type": "homeassistant"}], [])
    user = await hass.auth.async_create_user("edgeagent", group_ids=[GROUP_ID_ADMIN])
    refresh = await hass.auth.async_create_refresh_token(
        user,
        client_name="edgeagent tests",
        token_type=TOKEN_TYPE_LONG_LIVED_ACCESS_TOKEN,
        access_token_expiration=timedelta(days=3650),
    )
    token = hass.auth.async_create_access_token(refresh)
    await hass.async_stop(force=True)  # flushes the delayed write of .storage/auth
    return token


if __name__ == "__main__":
    print(asyncio.run(main(sys.argv[1])))
