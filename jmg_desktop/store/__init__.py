"""The workspace file: SQLAlchemy models, engine set-up, migrations, repositories, dump and load."""
