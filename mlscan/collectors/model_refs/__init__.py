"""Places that name a model file: loader calls, path literals, Dockerfile COPY sources."""
