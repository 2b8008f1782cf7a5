# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: run test lint install unit integration e2e fault fuzz bench clean compose-check seed status

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,bench]'
	touch $@

install: $(VENV)/.installed

## Start every API and worker on embedded defaults (or on IOP_MONGO_URL / IOP_AMQP_URL); Ctrl-C stops all.
run: install
	$(BIN)/python -m system.supervisor

## The whole suite: unit, integration, end-to-end and fault tiers (after a pyflakes-level lint).
## Two processes (pytest-xdist: each its own database stand-in, every test its own namespace) run
## every test except those that restart or cut off the shared RabbitMQ: the fault tier and one
## end-to-end case, which run alone afterwards.
BROKER_RESTART_CASE = tests/e2e/test_completion_fan_out.py::test_completing_the_program_sets_the_whole_aftercare_machinery_in_motion[rabbitmq-with-broker-restart]
test: install lint
	$(BIN)/python -m pytest -n 2 tests/unit tests/integration tests/fuzz tests/e2e --deselect "$(BROKER_RESTART_CASE)"
	$(BIN)/python -m pytest tests/fault "$(BROKER_RESTART_CASE)"

lint: install
	$(BIN)/ruff check shared services system tests bench

unit: install
	$(BIN)/python -m pytest tests/unit

integration: install
	$(BIN)/python -m pytest tests/integration

e2e: install
	$(BIN)/python -m pytest tests/e2e

fault: install
	$(BIN)/python -m pytest tests/fault

fuzz: install
	$(BIN)/python -m pytest tests/fuzz -s

## Benchmarks (bench/RESULTS.md): fan-out at open-loop rates before/after publish-after-commit, HTTP read, memory.
bench: install
	$(BIN)/python -m bench

clean:
	rm -rf var .pytest_cache

## docker-compose.yml's commands, environment and healthchecks as local processes (needs nginx and RabbitMQ).
compose-check: install
	$(BIN)/python -m system.compose_check

## Realistic demo data on the running `make run` (SITES, PATIENTS and SEED may be given).
seed: install
	$(BIN)/iop seed --sites $(or $(SITES),2) --patients $(or $(PATIENTS),200) --seed $(or $(SEED),1)

## Readiness, queue depths, outbox backlogs and dead letters of the running system.
status: install
	$(BIN)/iop status
