"""Fixtures: the small synthetic world of :mod:`tests.decide.world`."""

from __future__ import annotations

import pytest

from goodcall.models.registry import ModelSet
from tests.decide.world import World, make_world, train


@pytest.fixture(scope="session")
def world() -> World:
    return make_world()


@pytest.fixture(scope="session")
def trained(world: World) -> ModelSet:
    return train(world)
