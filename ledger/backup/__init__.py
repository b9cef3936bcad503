"""Backups with proof: `ledger backup` / `ledger restore` on both engines and the admin page "Sao lưu dữ liệu"."""


def init_app(app):
    from ledger.backup.cli import register_commands
    from ledger.backup.routes import backup_pages

    app.register_blueprint(backup_pages)
    register_commands(app)
