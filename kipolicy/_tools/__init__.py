"""Case files, traceability, the generated references and schemas, the command line and the service."""
