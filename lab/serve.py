"""Serve the Tsematic JupyterLab host (lab/build) with Debian's jupyter_server and jupyterlab_server.

Run with /usr/bin/python3 (the interpreter that sees Debian's Jupyter packages):

    /usr/bin/python3 lab/serve.py [--port 0] [--no-auth] [--labextension DIR ...] [--root-dir DIR]

It prints one line `TSEMATIC_LAB_URL=<url>` once the server listens. Everything the server writes
(user settings, workspaces, runtime files) goes to a temporary directory unless told otherwise, and no
Jupyter configuration file on this machine is read.

What it adds to jupyterlab_server's LabServerApp, which was made for a newer jupyter_server:
- `GET /api/me` and `WS /api/events/subscribe` (JupyterLab 4 calls them; jupyter_server 1.23 lacks them);
- a 404 page that does not leak `notFoundUrl` into every later page (jupyterlab_server 2.16 bug);
- prebuilt extensions loaded from the given folders only (`--labextension`), by package name;
- `JPY_SESSION_NAME` in each kernel's environment as jupyter_server 2 sets it, the notebook's absolute
  path (1.23 gives the path relative to the server's root), and `TSEMATIC_NOTEBOOK_FILE`, a file that
  follows the notebook's renames: kernel-lib records the notebook with every run.
"""

import argparse
import getpass
import json
import os
import posixpath
import secrets
import shutil
import signal
import socket
import sys
import tempfile
import threading
import time
import webbrowser
from urllib.parse import quote

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
BUILD = os.path.join(HERE, "build")
LOOPBACK = {"127.0.0.1", "localhost", "::1"}

# The application class, made by make_app(); jupyter_server finds it through the hook below.
APP = None


def _jupyter_server_extension_points():
    return [{"module": __name__, "app": APP}]


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ip", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8888, help="port; 0 picks a free one")
    parser.add_argument("--root-dir", default=os.getcwd(), help="folder shown in the file browser")
    parser.add_argument(
        "--no-auth",
        action="store_true",
        help="no token and no XSRF check (tests only; refused unless --ip is a loopback address)",
    )
    parser.add_argument("--token", default="", help="login token (default: a random one)")
    parser.add_argument(
        "--labextension",
        action="append",
        default=None,
        help="a built prebuilt extension folder to load (repeatable; default: this repository's)",
    )
    parser.add_argument(
        "--installed",
        action="store_true",
        help="load the prebuilt extensions installed in Jupyter's data path instead (where "
        "`pip install tsematic_jupyterlab-*.whl` puts them: <sys.prefix>/share/jupyter, JUPYTER_PATH, "
        "the user's data dir)",
    )
    parser.add_argument(
        "--quiet",
        action="store_true",
        help="log warnings and errors only (npm start: the URL is the one line a newcomer needs)",
    )
    parser.add_argument("--state-dir", help="keep user settings and workspaces here (default: temp)")
    parser.add_argument(
        "--page-config",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="extra page config for the front-end (TSEMATIC_URL and TSEMATIC_TOKEN in the "
        "environment become tsematicServerUrl and tsematicToken)",
    )
    parser.add_argument(
        "--open",
        metavar="PATH",
        help="announce the URL of this file (relative to --root-dir), and open it in a browser "
        "when there is a display",
    )
    parser.add_argument(
        "--exit-with-parent",
        action="store_true",
        help="stop when the process that started this one ends (test runners)",
    )
    parser.add_argument(
        "--expose-app-in-browser",
        action="store_true",
        help="set window.jupyterapp (Galata drives JupyterLab through it)",
    )
    return parser.parse_args(argv)


def free_port(ip):
    with socket.socket(socket.AF_INET6 if ":" in ip else socket.AF_INET) as sock:
        sock.bind((ip, 0))
        return sock.getsockname()[1]


def installed_labextensions_path():
    """The folders JupyterLab reads installed prebuilt extensions from, as `jupyter labextension list`."""
    from jupyter_core.paths import jupyter_path

    return jupyter_path("labextensions")


def link_labextensions(folders, target):
    """Expose each built extension folder as <target>/<package name>, as JupyterLab expects."""
    os.makedirs(target, exist_ok=True)
    for folder in folders:
        with open(os.path.join(folder, "package.json"), encoding="utf-8") as fid:
            name = json.load(fid)["name"]
        link = os.path.join(target, name)
        os.makedirs(os.path.dirname(link), exist_ok=True)
        os.symlink(os.path.abspath(folder), link)


def stop_children(grace_seconds=5):
    """SIGTERM, then SIGKILL, the processes this one started that still run: kernels the server
    did not shut down because they were still starting when it stopped."""
    me = os.getpid()
    children = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="utf-8") as fid:
                parent = int(fid.read().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        if parent == me:
            children.append(int(entry))
    for sig in (signal.SIGTERM, signal.SIGKILL):
        for pid in children:
            try:
                os.kill(pid, sig)
            except ProcessLookupError:
                pass
        deadline = time.monotonic() + grace_seconds
        while children and time.monotonic() < deadline:
            children = [pid for pid in children if not reaped(pid)]
            time.sleep(0.1)


def reaped(pid):
    try:
        return os.waitpid(pid, os.WNOHANG)[0] == pid
    except ChildProcessError:
        return True


def exit_if_stuck(seconds, log):
    """Stopping can hang on a kernel that was starting (jupyter_server 1.23): exit anyway."""

    def watchdog():
        time.sleep(seconds)
        log.warning("still stopping after %d s: ending kernels and exiting", seconds)
        stop_children()
        os._exit(1)

    threading.Thread(target=watchdog, daemon=True).start()


def lab_url(ip, port, path, token):
    host = f"[{ip}]" if ":" in ip else ip
    page = "/lab/tree/" + quote(path.lstrip("/")) if path else "/lab"
    return f"http://{host}:{port}{page}" + (f"?token={token}" if token else "")


def announce(url, open_browser, quiet=False):
    """Print the URL for people and scripts; open it if asked and a display can show it."""
    if quiet:
        print("tsematic: JupyterLab is ready. Open this URL (Ctrl-C stops everything):", flush=True)
    print(f"TSEMATIC_LAB_URL={url}", flush=True)
    if open_browser and (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        threading.Thread(target=webbrowser.open, args=(url,), daemon=True).start()


def main(argv):
    args = parse_args(argv)
    if args.no_auth and args.ip not in LOOPBACK:
        sys.exit(f"serve.py: --no-auth is only allowed on a loopback address, not {args.ip}")
    if not os.path.exists(os.path.join(BUILD, "static", "bundle.js")):
        sys.exit("serve.py: lab/build is missing: run `npm run build:lab` first")
    folders = args.labextension
    if args.installed and folders is not None:
        sys.exit("serve.py: give either --installed or --labextension, not both")
    if folders is None and not args.installed:
        folders = [os.path.join(REPO, "tsematic_labextension")]
    for folder in folders or []:
        if not os.path.exists(os.path.join(folder, "package.json")):
            sys.exit(f"serve.py: no built extension in {folder}: run `npm run build:labextension`")
    # Read before the data dir is redirected below: a `pip install --user` lands in the user's data dir.
    installed = installed_labextensions_path() if args.installed else []

    scratch = tempfile.mkdtemp(prefix="tsematic-lab-")
    state = os.path.abspath(args.state_dir) if args.state_dir else scratch
    # Isolation from the machine's Jupyter setup: no config files, runtime and data files in scratch.
    os.environ["JUPYTER_NO_CONFIG"] = "1"
    os.environ["JUPYTER_CONFIG_DIR"] = os.path.join(scratch, "config")
    os.environ["JUPYTER_RUNTIME_DIR"] = os.path.join(scratch, "runtime")
    os.environ["JUPYTER_DATA_DIR"] = os.path.join(state, "data")  # notebook trust lives here
    labextensions = installed or [os.path.join(scratch, "labextensions")]
    if not installed:
        link_labextensions(folders, labextensions[0])

    port = free_port(args.ip) if args.port == 0 else args.port
    token = "" if args.no_auth else (args.token or secrets.token_hex(24))
    page_config = dict(item.split("=", 1) for item in args.page_config)
    # The lineage server the kernels find (kernel-lib reads TSEMATIC_URL and TSEMATIC_TOKEN) is the
    # extension's default too. From the environment, so that the token is not in `ps` output.
    for variable, key in (("TSEMATIC_URL", "tsematicServerUrl"), ("TSEMATIC_TOKEN", "tsematicToken")):
        if os.environ.get(variable):
            page_config.setdefault(key, os.environ[variable])
    if args.expose_app_in_browser:
        page_config["exposeAppInBrowser"] = True

    global APP
    APP = make_app(
        labextensions=labextensions,
        user_settings_dir=os.path.join(state, "user-settings"),
        workspaces_dir=os.path.join(state, "workspaces"),
        page_config=page_config,
        exit_with_parent=args.exit_with_parent,
        announce=lambda server: announce(
            lab_url(args.ip, server.port, args.open, token),
            open_browser=bool(args.open),
            quiet=args.quiet,
        ),
    )
    server_args = [
        f"--ServerApp.ip={args.ip}",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        "--ServerApp.open_browser=False",
        "--ServerApp.allow_root=True",
        f"--ServerApp.root_dir={os.path.abspath(args.root_dir)}",
        f"--ServerApp.token={token}",
        "--ServerApp.password=",
        "--FileContentsManager.delete_to_trash=False",
        # Checkpoints with the other server state, not as .ipynb_checkpoints in the user's folders
        # (tutorials/ included). An absolute path: one folder for every notebook.
        f"--FileCheckpoints.checkpoint_dir={os.path.join(state, 'checkpoints')}",
        # Only tslab is expected; do not warn that ipykernel is missing.
        "--KernelSpecManager.ensure_native_kernel=False",
    ]
    if args.no_auth:
        server_args.append("--ServerApp.disable_check_xsrf=True")
    if args.quiet:
        # Its INFO banner prints the URL twice with a masked token before ours is announced.
        server_args.append("--ServerApp.log_level=WARN")
    try:
        APP.launch_instance(server_args)
    finally:
        stop_children()
        shutil.rmtree(scratch, ignore_errors=True)
    # The server has stopped and its kernels are gone, but a kernel start it abandoned can leave
    # threads that keep the interpreter from exiting.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


def notebook_path_session_manager():
    """A SessionManager that tells each kernel its notebook's absolute path, also after a rename."""
    from jupyter_server.services.sessions.sessionmanager import SessionManager
    from jupyter_server.utils import ensure_async

    class NotebookPathSessionManager(SessionManager):
        def _notebook(self, path, name):
            # JupyterLab 4 starts a notebook's session under a temporary path (its folder and a UUID)
            # and renames it once the kernel runs; until then the file name is the session's name.
            if name and "." not in posixpath.basename(path):
                path = posixpath.join(posixpath.dirname(path), name)
            return os.path.join(os.path.abspath(self.contents_manager.root_dir), path.lstrip("/"))

        def _notebook_file(self, session_id):
            return os.path.join(self.kernel_manager.connection_dir, f"tsematic-notebook-{session_id}.txt")

        def _write_notebook(self, session_id, path, name):
            target = self._notebook_file(session_id)
            with open(target + ".tmp", "w", encoding="utf-8") as f:
                f.write(self._notebook(path, name))
            os.replace(target + ".tmp", target)

        async def start_kernel_for_session(self, session_id, path, name, type, kernel_name):
            # JPY_SESSION_NAME is fixed when the kernel starts (as in jupyter_server 2); the file named by
            # TSEMATIC_NOTEBOOK_FILE follows renames, and kernel-lib reads it at each run.
            self._write_notebook(session_id, path, name)
            env = {
                **self.get_kernel_env(path),
                "JPY_SESSION_NAME": self._notebook(path, name),
                "TSEMATIC_NOTEBOOK_FILE": self._notebook_file(session_id),
            }
            kernel_path = await ensure_async(self.contents_manager.get_kernel_path(path=path))
            return await self.kernel_manager.start_kernel(
                path=kernel_path, kernel_name=kernel_name, env=env
            )

        async def update_session(self, session_id, **kwargs):
            await super().update_session(session_id, **kwargs)
            if "path" in kwargs or "name" in kwargs:
                session = await self.get_session(session_id=session_id)
                self._write_notebook(session_id, session["path"], session.get("name"))

        async def delete_session(self, session_id):
            try:
                os.remove(self._notebook_file(session_id))
            except OSError:
                pass
            await super().delete_session(session_id)

    return NotebookPathSessionManager


def make_app(labextensions, user_settings_dir, workspaces_dir, page_config, exit_with_parent, announce):
    # Imported here so that `serve.py --help` works without the Debian packages.
    from jupyter_server.base.handlers import APIHandler, JupyterHandler
    from jupyter_server.base.zmqhandlers import WebSocketMixin
    from jupyterlab_server import LabServerApp
    from jupyterlab_server.handlers import NotFoundHandler
    from tornado import ioloop, web, websocket

    class MeHandler(APIHandler):
        """The identity JupyterLab 4 shows (user menu, collaborators); every permission asked for."""

        @web.authenticated
        def get(self):
            name = getpass.getuser()
            asked = json.loads(self.get_argument("permissions", "{}") or "{}")
            self.finish(
                json.dumps(
                    {
                        "identity": {
                            "username": name,
                            "name": name,
                            "display_name": name,
                            "initials": name[:2].upper(),
                            "avatar_url": None,
                            "color": None,
                        },
                        "permissions": asked,
                    }
                )
            )

    class EventsHandler(APIHandler):
        """Accepts emitted events (no event bus in jupyter_server 1.23)."""

        @web.authenticated
        def post(self):
            self.set_status(204)
            self.finish()

    class EventsSocket(WebSocketMixin, JupyterHandler, websocket.WebSocketHandler):
        """An event stream that stays open and silent, so JupyterLab does not retry and log errors."""

        def get(self, *args, **kwargs):
            if not self.current_user:
                raise web.HTTPError(403)
            return super().get(*args, **kwargs)

        def on_message(self, message):
            pass

    class OwnPageConfigNotFoundHandler(NotFoundHandler):
        """The upstream handler writes notFoundUrl into the page config every page shares."""

        def get_page_config(self):
            page_config = dict(super(NotFoundHandler, self).get_page_config())
            page_config["notFoundUrl"] = self.request.path
            return page_config

    class TsematicLab(LabServerApp):
        name = "tsematic_lab"
        app_name = "Tsematic Lab"
        extension_url = "/lab"
        default_url = "/lab"
        load_other_extensions = False
        app_version = "4.6.4"
        static_dir = os.path.join(BUILD, "static")
        schemas_dir = os.path.join(BUILD, "schemas")
        themes_dir = os.path.join(BUILD, "themes")
        templates_dir = os.path.join(HERE, "templates")
        app_settings_dir = ""
        labextensions_path = labextensions

        @classmethod
        def initialize_server(cls, argv=None, load_other_extensions=True, **kwargs):
            kwargs.setdefault("session_manager_class", notebook_path_session_manager())
            return super().initialize_server(argv, load_other_extensions, **kwargs)

        def initialize_settings(self):
            super().initialize_settings()
            self.user_settings_dir = user_settings_dir
            self.workspaces_dir = workspaces_dir
            settings = self.serverapp.web_app.settings
            settings.setdefault("page_config_data", {}).update(page_config)

        def initialize_handlers(self):
            super().initialize_handlers()
            self.handlers = [
                (pattern, OwnPageConfigNotFoundHandler, *rest)
                if handler is NotFoundHandler
                else (pattern, handler, *rest)
                for pattern, handler, *rest in self.handlers
            ]
            self.handlers += [
                (r"/api/me", MeHandler),
                (r"/api/events", EventsHandler),
                (r"/api/events/subscribe", EventsSocket),
            ]
            # Runs once the IO loop starts, i.e. after the server is listening.
            ioloop.IOLoop.current().add_callback(announce, self.serverapp)

            # jupyter_server's SIGTERM handler (installed by now) stops the server; bound the wait.
            stop_on_signal = signal.getsignal(signal.SIGTERM)

            def on_sigterm(sig, frame):
                exit_if_stuck(15, self.log)
                stop_on_signal(sig, frame)

            signal.signal(signal.SIGTERM, on_sigterm)

            if exit_with_parent:
                parent = os.getppid()

                def check_parent():
                    if os.getppid() != parent:
                        self.serverapp.log.info("parent process ended: stopping")
                        exit_if_stuck(15, self.log)
                        self.serverapp.stop()

                ioloop.PeriodicCallback(check_parent, 1000).start()

    return TsematicLab


if __name__ == "__main__":
    main(sys.argv[1:])
