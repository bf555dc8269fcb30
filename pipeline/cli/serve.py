"""`actionplan serve`: the web app on this machine, in the browser."""

from __future__ import annotations

import socket
import sys

import click

from pipeline.cli.base import main, settings_of, store_option
from pipeline.errors import PipelineError


def _listen(host: str, port: int) -> socket.socket:
    """Given a host and port (0: any free one), return a socket listening there."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
        sock = socket.socket(family, kind, proto)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(128)
    except OSError as error:
        raise PipelineError(
            f"{host}:{port}", f"cannot listen here ({error.strerror or error}): choose another --port, or --port 0"
        ) from None
    return sock


def _url(host: str, port: int, token: str | None) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/" + (f"?token={token}" if token else "")


@main.command()
@store_option
@click.option(
    "--host", default="127.0.0.1", show_default=True, help="Address to listen on; any but this machine's needs a token."
)
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8000,
    show_default=True,
    help="Port to listen on (0: any free one).",
)
@click.option(
    "--token", help="Token every request must carry (default: none on 127.0.0.1; one made up on any other host)."
)
@click.option("--no-browser", is_flag=True, help="Do not open the browser.")
@click.option(
    "--ocr/--no-ocr",
    default=None,
    help="Read scanned pages of uploads by OCR (default: when Tesseract is installed).",
)
@click.pass_context
def serve(
    ctx: click.Context, store: str | None, host: str, port: int, token: str | None, no_browser: bool, ocr: bool | None
) -> None:
    """Run the round in a browser: upload plans, see records and changes, hand out and collect owner workbooks,
    write the committee paper.

    Listens on 127.0.0.1 (this machine only) unless --host is given; then every request needs a token,
    printed with the address. Stop it with Ctrl+C.

    \b
    Examples:
      actionplan serve
      actionplan serve --store output/actionplan.db --port 8080 --no-browser
      actionplan serve --host 0.0.0.0 --token "$(openssl rand -hex 16)"
    """
    import threading
    import time
    import webbrowser

    import uvicorn

    from pipeline.store import store_url
    from pipeline.web import create_app

    app = create_app(store_url(store), token=token, host=host, settings=settings_of(ctx), ocr=ocr)
    sock = _listen(host, port)
    port = sock.getsockname()[1]
    url = _url(host, port, app.state.web.token)
    click.echo(f"serving on {url}")
    if host in ("0.0.0.0", "::"):  # every address of this machine: say the one colleagues can type
        click.echo(f"  from other computers: {_url(socket.gethostname(), port, app.state.web.token)}")
    sys.stdout.flush()
    server = uvicorn.Server(
        uvicorn.Config(app, log_level="warning", access_log=False, lifespan="on", server_header=False)
    )
    if not no_browser:

        def open_when_started() -> None:
            for _ in range(100):
                if server.started:
                    webbrowser.open(url)
                    return
                time.sleep(0.1)

        threading.Thread(target=open_when_started, daemon=True).start()
    server.run(sockets=[sock])
