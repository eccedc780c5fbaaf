"""postmark templates: keep a server's templates in a folder of files.

The folder layout follows Postmark's own CLI: one folder per template, named
after its alias, holding meta.json (Name, Alias, Subject, TemplateType,
LayoutTemplate), content.html and content.txt; layouts live under _layouts/.
Templates without an alias cannot be matched and are skipped.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from postmark.cli import (
    EXIT_API,
    EXIT_OK,
    CommandError,
    Table,
    emit,
    plain,
    print_json,
    server_client,
)
from postmark.exceptions import UnprocessableEntityError

LAYOUTS = "_layouts"
_TEMPLATE_NOT_FOUND = 1101


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "templates",
        help="list, pull, push and validate templates",
        description=plain(__doc__),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    listing = actions.add_parser("list", help="the server's templates")
    listing.set_defaults(handler=run_list)
    pull = actions.add_parser("pull", help="write every template into FOLDER")
    pull.add_argument("folder")
    pull.set_defaults(handler=run_pull)
    push = actions.add_parser("push", help="create or update the server's templates from FOLDER")
    push.add_argument("folder")
    push.add_argument("--dry-run", action="store_true", help="only say what would change")
    push.set_defaults(handler=run_push)
    validate = actions.add_parser("validate", help="check FOLDER's templates with Postmark")
    validate.add_argument("folder")
    validate.add_argument("--model", help="a JSON test model to render with")
    validate.set_defaults(handler=run_validate)


def run_list(args: argparse.Namespace) -> int:
    with server_client(args) as client:
        emit(
            list(client.templates.iter()),
            args,
            Table(("TemplateId", "Alias", "Name", "TemplateType", "LayoutTemplate")),
        )
    return EXIT_OK


# --------------------------------------------------------------------------
# Files


def template_dir(root: Path, template: dict[str, Any]) -> Path:
    base = root / LAYOUTS if template.get("TemplateType") == "Layout" else root
    return base / str(template["Alias"])


def write_template(root: Path, template: dict[str, Any]) -> Path:
    folder = template_dir(root, template)
    folder.mkdir(parents=True, exist_ok=True)
    meta = {
        key: template.get(key)
        for key in ("Name", "Alias", "Subject", "TemplateType", "LayoutTemplate")
    }
    (folder / "meta.json").write_text(
        json.dumps(meta, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    for name, key in (("content.html", "HtmlBody"), ("content.txt", "TextBody")):
        path = folder / name
        if template.get(key):
            path.write_text(template[key], encoding="utf-8")
        elif path.exists():
            path.unlink()
    return folder


def read_templates(root: Path) -> list[dict[str, Any]]:
    """Every template in the folder, layouts first (templates may use them)."""
    if not root.is_dir():
        raise CommandError(f"{root} is not a folder")
    folders = sorted((root / LAYOUTS).glob("*/meta.json")) + sorted(root.glob("*/meta.json"))
    templates = []
    for meta_file in folders:
        try:
            template = json.loads(_read(meta_file))
        except ValueError as error:
            raise CommandError(f"{meta_file} is not valid JSON: {error}") from None
        if not isinstance(template, dict):
            raise CommandError(f"{meta_file} must hold one JSON object (Name, Alias, Subject ...)")
        template.setdefault("Alias", meta_file.parent.name)
        for name, key in (("content.html", "HtmlBody"), ("content.txt", "TextBody")):
            path = meta_file.parent / name
            template[key] = _read(path) if path.exists() else None
        templates.append(template)
    if not templates:
        raise CommandError(f"no templates (*/meta.json) found in {root}")
    return templates


def _read(path: Path) -> str:
    """A template file's text (templates are UTF-8, as Postmark stores them)."""
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise CommandError(
            f"{path} is not UTF-8 text (byte {error.start}); save it as UTF-8"
        ) from None


# --------------------------------------------------------------------------
# Commands

#: What push printed for each outcome of push_one: (done, dry run).
_PUSH_WORDS = {
    "create": ("created", "would create"),
    "update": ("updated", "would update"),
    "same": ("unchanged", "unchanged"),
}


def run_pull(args: argparse.Namespace) -> int:
    root = Path(args.folder)
    pulled = skipped = 0
    with server_client(args) as client:
        for summary in client.templates.iter():
            if not summary.get("Alias"):
                skipped += 1
                continue
            write_template(root, dict(client.templates.get(summary["Alias"])))
            pulled += 1
    print(
        f"pulled {pulled} templates into {root}"
        + (f"; skipped {skipped} without an alias" if skipped else "")
    )
    return EXIT_OK


def run_push(args: argparse.Namespace) -> int:
    templates = read_templates(Path(args.folder))
    done: dict[str, int] = dict.fromkeys(_PUSH_WORDS, 0)
    with server_client(args) as client:
        for template in templates:
            action = push_one(client, template, dry_run=args.dry_run)
            done[action] += 1
            print(f"{_PUSH_WORDS[action][args.dry_run]:12} {template['Alias']}")
    if args.dry_run:
        print(
            f"dry run, nothing changed: would create {done['create']}, "
            f"would update {done['update']}, unchanged {done['same']}"
        )
    return EXIT_OK


def push_one(client: Any, template: dict[str, Any], *, dry_run: bool) -> str:
    """Create or update one template by alias; returns what was (or would be) done."""
    fields = {
        "name": template.get("Name") or template["Alias"],
        "subject": template.get("Subject"),
        "html_body": template.get("HtmlBody"),
        "text_body": template.get("TextBody"),
        "layout_template": template.get("LayoutTemplate"),
    }
    try:
        current = client.templates.get(template["Alias"])
    except UnprocessableEntityError as error:
        if error.error_code != _TEMPLATE_NOT_FOUND:
            raise
        if not dry_run:
            client.templates.create(
                alias=template["Alias"], template_type=template.get("TemplateType"), **fields
            )
        return "create"
    changed = any(
        current.get(key) != template.get(key)
        for key in ("Name", "Subject", "HtmlBody", "TextBody", "LayoutTemplate")
    )
    if not changed:
        return "same"
    if not dry_run:
        client.templates.edit(template["Alias"], **fields)
    return "update"


def _model(text: str | None) -> Any:
    """The ``--model`` JSON object, or None."""
    if not text:
        return None
    try:
        model = json.loads(text)
    except ValueError as error:
        raise CommandError(
            f"--model is not valid JSON ({error}); quote keys and strings: "
            '--model \'{"name": "Ada"}\''
        ) from None
    if not isinstance(model, dict):
        raise CommandError('--model must be a JSON object, e.g. \'{"name": "Ada"}\'')
    return model


def run_validate(args: argparse.Namespace) -> int:
    model = _model(args.model)
    failures = 0
    with server_client(args) as client:
        for template in read_templates(Path(args.folder)):
            result = client.templates.validate(
                subject=template.get("Subject"),
                html_body=template.get("HtmlBody"),
                text_body=template.get("TextBody"),
                test_render_model=model,
                template_type=template.get("TemplateType"),
                layout_template=template.get("LayoutTemplate"),
            )
            ok = bool(result.get("AllContentIsValid"))
            failures += not ok
            print(f"{'valid' if ok else 'INVALID':8} {template['Alias']}")
            if not ok:
                print_json({part: result.get(part) for part in ("Subject", "HtmlBody", "TextBody")})
    return EXIT_API if failures else EXIT_OK
