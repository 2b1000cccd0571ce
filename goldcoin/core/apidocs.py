"""/api/docs: the OpenAPI document as a page a person can read.

Rendered on the server from the same document as /api/v1/openapi.json, with
no script at all: nothing to load from a CDN, nothing for a
`script-src 'self'` policy to block."""
from flask import Blueprint, current_app, render_template
from markupsafe import Markup, escape

bp = Blueprint("api_docs", __name__)

METHODS = ("get", "post", "put", "patch", "delete")


def spec_of(app):
    """The app's OpenAPI document, as a dict (built when the API blueprint was registered)."""
    return app.extensions["flask-smorest"]["apis"][""]["ext_obj"].spec.to_dict()


def _ref_name(ref):
    return ref.rsplit("/", 1)[-1]


def type_of(schema):
    """A short, linked description of a JSON schema: "array of <Reward>"."""
    if not schema:
        return Markup("any")
    if "$ref" in schema:
        name = _ref_name(schema["$ref"])
        return Markup('<a href="#schema-{0}">{0}</a>').format(name)
    for keyword in ("oneOf", "anyOf"):
        if keyword in schema:
            return Markup(" or ").join(type_of(s) for s in schema[keyword])
    kind = schema.get("type", "any")
    if kind == "array":
        text = Markup("array of ") + type_of(schema.get("items"))
    else:
        text = escape(kind)
    notes = []
    if "format" in schema:
        notes.append(schema["format"])
    if "enum" in schema:
        notes.append("one of " + ", ".join(str(v) for v in schema["enum"]))
    if "minimum" in schema or "maximum" in schema:
        notes.append(f"{schema.get('minimum', '')}..{schema.get('maximum', '')}")
    if "maxLength" in schema:
        notes.append(f"at most {schema['maxLength']} characters")
    if "pattern" in schema:
        notes.append(f"matching {schema['pattern']}")
    if notes:
        text += escape(f" ({'; '.join(notes)})")
    if schema.get("nullable"):
        text += Markup(" or null")
    return text


def _body_schema(part):
    return (part.get("content") or {}).get("application/json", {}).get("schema")


def _by_status(item):
    return "999" if item[0] == "default" else item[0]  # 2xx first, the catch-all last


def _operations(spec):
    responses = spec.get("components", {}).get("responses", {})
    for path, item in spec["paths"].items():
        for method in METHODS:
            op = item.get(method)
            if op is None:
                continue
            answers = []
            for status, answer in sorted(op.get("responses", {}).items(), key=_by_status):
                if "$ref" in answer:
                    answer = responses.get(_ref_name(answer["$ref"]), {})
                answers.append((status, answer.get("description", ""), type_of(_body_schema(answer))))
            body = op.get("requestBody")
            yield {
                "id": f"{method}-{path}".replace("/", "-").replace("{", "").replace("}", ""),
                "method": method.upper(),
                "path": path,
                "tag": (op.get("tags") or [""])[0],
                "summary": op.get("summary", ""),
                "description": op.get("description", ""),
                "security": [name for requirement in op.get("security", []) for name in requirement],
                "parameters": [
                    (p["name"], p["in"], p.get("required", False), type_of(p.get("schema")), p.get("description", ""))
                    for p in op.get("parameters", []) + item.get("parameters", [])
                ],
                "body": type_of(_body_schema(body)) if body else None,
                "answers": answers,
            }


def _schemas(spec):
    for name, schema in sorted(spec.get("components", {}).get("schemas", {}).items()):
        required = set(schema.get("required", []))
        yield {
            "name": name,
            "description": schema.get("description", ""),
            "shape": None if "properties" in schema else type_of(schema),
            "properties": [
                (field, type_of(prop), field in required, prop.get("description", ""))
                for field, prop in schema.get("properties", {}).items()
            ],
        }


@bp.get("/api/docs")
def api_docs():
    spec = spec_of(current_app)
    operations = sorted(_operations(spec), key=lambda op: (op["tag"], op["path"], op["method"]))
    return render_template(
        "api/docs.html",
        info=spec["info"],
        openapi_version=spec["openapi"],
        operations=operations,
        schemas=list(_schemas(spec)),
        schemes=spec.get("components", {}).get("securitySchemes", {}),
    )
