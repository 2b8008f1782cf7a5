"""The project's common library: configuration, storage, events, messaging and HTTP plumbing.

Every service imports from here so that each service folder holds only its domain.
"""
