"""The `static` choice (Static files): its catalog entry."""

from __future__ import annotations

from ..entries import Anchor, Choice, Declared, Side

CHOICE = Choice(
    key="static",
    title="Static files",
    help="Serve the files of static/ under /static/.",
    flask=Side((), "Flask serves static/ at /static/ on its own."),
    express=Side((), "express.static mounted at /static, the URL Flask serves it at."),
    reserved_paths=("/static",),
    declared=(
        Declared(
            "GET, HEAD and other requests under /static/",
            "Werkzeug's send_file: Cache-Control: no-cache, Content-Disposition: inline, 416 "
            "for a Range it cannot serve, 'style.css/' served, OPTIONS and 405 as for a route",
            "serve-static: Cache-Control: public, max-age=0, a bad Range ignored, "
            "'//style.css' served, /static redirected (301) to /static/, any method but "
            "GET and HEAD passed on (404)",
            "each framework's own file server, each a valid reading of HTTP caching and "
            "ranges; a deployment serves static files from a web server or CDN in front",
            request=r"(?m)^(\d+ × )?\S+ /static(/\S*)?( .*)?\Z",
        ),
    ),
    concepts={
        "flask": (Anchor(("static/*", "*/static/*"), whole=True),),
        "express": (Anchor("app.js", r"^app\.use\(\s*'/static',\s*express\.static\("),),
    },
)
