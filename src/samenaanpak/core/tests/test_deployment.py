"""The Kubernetes manifests (deploy/kubernetes/): the base and the example overlay render with
`kubectl kustomize`, every document is valid for Kubernetes 1.32 (kubernetes-validate's bundled
schemas, offline, strict: an unknown or misspelt field fails), and they hold what a hosting party
checks before running them (docs/deployment.md). Needs no cluster and no database."""

import base64
import functools
import os
import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import kubernetes_validate
import pytest
import yaml

REPO = Path(__file__).resolve().parents[4]
DEPLOYMENT_DOC = REPO / "docs" / "deployment.md"
KUBERNETES = REPO / "deploy" / "kubernetes"
KUBERNETES_VERSION = "1.32"
KUBECTL = shutil.which("kubectl")

pytestmark = pytest.mark.skipif(
    KUBECTL is None, reason="kubectl (with its built-in kustomize) is not installed"
)

# The entrypoint's commands (Containerfile, deploy/container/entrypoint).
COMMANDS = {
    "web": ["web"],
    "worker": ["worker"],
    "scheduler": ["scheduler"],
    "migrate": ["migrate"],
}
KUBE_DNS = [
    {
        "namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "kube-system"}},
        "podSelector": {"matchLabels": {"k8s-app": "kube-dns"}},
    }
]
SECRET_KEYS = {"SECRET_KEY", "REPORT_RECEIPT_PEPPER", "DATABASE_URL", "REDIS_URL", "EMAIL_URL"}


@functools.cache
def _render(name: str) -> str:
    result = subprocess.run(
        [KUBECTL, "kustomize", str(KUBERNETES / name)],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def render(name: str) -> list[dict]:
    return [doc for doc in yaml.safe_load_all(_render(name)) if doc]


@pytest.fixture(scope="module")
def base():
    return render("base")


@pytest.fixture(scope="module")
def overlay():
    return render("overlays/example")


def find(docs, kind, name=None):
    found = [
        d
        for d in docs
        if d["kind"] == kind and (name is None or d["metadata"]["name"].startswith(name))
    ]
    assert found, f"no {kind} {name or ''}"
    return found


def one(docs, kind, name):
    (doc,) = [d for d in find(docs, kind, name) if d["metadata"]["name"] == name]
    return doc


def workloads(docs):
    """(name, pod spec) of every Deployment and Job."""
    return [
        (d["metadata"]["name"], d["spec"]["template"]["spec"])
        for d in docs
        if d["kind"] in ("Deployment", "Job")
    ]


@pytest.mark.parametrize("name", ["base", "overlays/example"])
def test_every_document_is_valid_for_kubernetes_1_32(name):
    docs = render(name)
    assert len(docs) >= 10
    errors = []
    for doc in docs:
        try:
            kubernetes_validate.validate(doc, KUBERNETES_VERSION, strict=True)
        except kubernetes_validate.ValidationError as error:
            errors.append(f"{doc['kind']} {doc['metadata']['name']}: {error.message}")
    assert not errors, "\n".join(errors)


@pytest.mark.parametrize("name", ["base", "overlays/example"])
def test_every_pod_runs_unprivileged_with_a_read_only_root(name):
    for workload, pod in workloads(render(name)):
        assert pod["automountServiceAccountToken"] is False, workload
        assert pod["serviceAccountName"] == "samenaanpak", workload
        security = pod["securityContext"]
        assert security["runAsNonRoot"] is True, workload
        assert security["runAsUser"] == 1000, workload
        assert security["fsGroup"] == 1000, workload
        assert security["seccompProfile"] == {"type": "RuntimeDefault"}, workload
        for container in pod["containers"] + pod.get("initContainers", []):
            context = container["securityContext"]
            assert context.get("runAsNonRoot", security["runAsNonRoot"]) is True, workload
            assert context.get("runAsUser", security["runAsUser"]) != 0, workload
            assert context["readOnlyRootFilesystem"] is True, workload
            assert context["allowPrivilegeEscalation"] is False, workload
            assert context["capabilities"]["drop"] == ["ALL"], workload
            assert not context["capabilities"].get("add"), workload
            assert "privileged" not in context or context["privileged"] is False, workload
            # The only writable places: /tmp and /data (the image's VAR_DIR and MEDIA_ROOT).
            mounts = {m["mountPath"] for m in container["volumeMounts"]}
            assert mounts == {"/tmp", "/data"}, workload


@pytest.mark.parametrize("name", ["base", "overlays/example"])
def test_every_container_has_resources_settings_and_its_command(name):
    docs = render(name)
    config = find(docs, "ConfigMap", "samenaanpak-config")[0]["metadata"]["name"]
    for workload, pod in workloads(docs):
        (container,) = pod["containers"]
        resources = container["resources"]
        for kind in ("requests", "limits"):
            assert set(resources[kind]) == {"cpu", "memory"}, (workload, kind)
        assert container["args"] == COMMANDS[container["name"]], workload
        assert "command" not in container, workload  # the image's entrypoint runs every command
        sources = container["envFrom"]
        assert {"configMapRef": {"name": config}} in sources, workload
        assert any(
            s.get("secretRef", {}).get("name", "").startswith("samenaanpak-secrets")
            for s in sources
        ), workload
        assert "env" not in container, workload  # every setting through the ConfigMap or Secret
        if container.get("ports"):  # serves HTTP: the kubelet must know when it is up and ready
            for probe in ("startupProbe", "livenessProbe", "readinessProbe"):
                assert container[probe]["httpGet"]["port"] == "http", (workload, probe)
            assert container["livenessProbe"]["httpGet"]["path"] == "/gezond/leeft/"
            assert container["startupProbe"]["httpGet"]["path"] == "/gezond/leeft/"
            assert container["readinessProbe"]["httpGet"]["path"] == "/gezond/"


def test_the_processes_are_shaped_as_documented(base):
    web = one(base, "Deployment", "samenaanpak-web")
    assert web["spec"]["replicas"] == 2
    assert web["spec"]["strategy"]["rollingUpdate"]["maxUnavailable"] == 0
    assert web["spec"]["template"]["spec"]["topologySpreadConstraints"]
    pdb = one(base, "PodDisruptionBudget", "samenaanpak-web")
    assert pdb["spec"]["minAvailable"] == 1
    assert pdb["spec"]["selector"] == web["spec"]["selector"]

    assert one(base, "Deployment", "samenaanpak-worker")["spec"]["replicas"] >= 1
    scheduler = one(base, "Deployment", "samenaanpak-scheduler")
    assert scheduler["spec"]["replicas"] == 1
    assert scheduler["spec"]["strategy"] == {"type": "Recreate"}

    job = one(base, "Job", "samenaanpak-migrate")["spec"]
    assert job["ttlSecondsAfterFinished"] > 0
    assert 0 < job["backoffLimit"] <= 6
    assert job["template"]["spec"]["restartPolicy"] == "Never"

    service = one(base, "Service", "samenaanpak-web")
    assert service["spec"]["selector"] == web["spec"]["selector"]["matchLabels"]
    labels = web["spec"]["template"]["metadata"]["labels"]
    for selector in (service["spec"]["selector"], pdb["spec"]["selector"]["matchLabels"]):
        assert selector.items() <= labels.items()


def test_every_resource_carries_the_recommended_labels(overlay):
    for doc in overlay:
        if doc["kind"] == "Namespace":
            continue
        labels = doc["metadata"].get("labels", {})
        for key in ("app.kubernetes.io/name", "app.kubernetes.io/part-of"):
            assert labels.get(key) == "samenaanpak", (doc["kind"], doc["metadata"]["name"], key)
        assert labels.get("app.kubernetes.io/instance"), doc["metadata"]["name"]


def test_the_ingress_ends_tls_allows_report_photos_and_logs_no_reports(base):
    ingresses = find(base, "Ingress")
    assert {i["metadata"]["name"] for i in ingresses} == {
        "samenaanpak",
        "samenaanpak-meldpunt",
        "samenaanpak-gezond",
    }
    for ingress in ingresses:
        spec = ingress["spec"]
        assert spec["tls"][0]["hosts"] == [spec["rules"][0]["host"]]
        annotations = ingress["metadata"]["annotations"]
        assert annotations["nginx.ingress.kubernetes.io/ssl-redirect"] == "true"
        # ingress-nginx's default is proxy-buffering off: a slow reader would hold a sync worker.
        assert annotations["nginx.ingress.kubernetes.io/proxy-buffering"] == "on"
    for name in ("samenaanpak", "samenaanpak-meldpunt"):
        # Three photos of at most 10 MB plus the text: as deploy/nginx-site.conf.template.
        annotations = one(base, "Ingress", name)["metadata"]["annotations"]
        assert annotations["nginx.ingress.kubernetes.io/proxy-body-size"] == "35m"
    meldpunt = one(base, "Ingress", "samenaanpak-meldpunt")
    annotations = meldpunt["metadata"]["annotations"]
    # The meldpunt's responses are buffered in memory only, never in a temporary file.
    assert annotations["nginx.ingress.kubernetes.io/proxy-max-temp-file-size"] == "0"
    assert annotations["nginx.ingress.kubernetes.io/enable-access-log"] == "false"
    assert annotations["nginx.ingress.kubernetes.io/client-body-buffer-size"] == "35m"
    assert [p["path"] for p in meldpunt["spec"]["rules"][0]["http"]["paths"]] == ["/melden"]


def test_the_health_endpoints_are_closed_to_the_internet(base, overlay):
    """/gezond/ makes a database query per call: through the ingress only listed addresses
    (none in the base) reach it; the kubelet calls the pods directly."""
    for docs in (base, overlay):
        gezond = one(docs, "Ingress", "samenaanpak-gezond")
        main = one(docs, "Ingress", "samenaanpak")
        assert gezond["spec"]["rules"][0]["host"] == main["spec"]["rules"][0]["host"]
        assert gezond["spec"]["ingressClassName"] == main["spec"]["ingressClassName"]
        (path,) = gezond["spec"]["rules"][0]["http"]["paths"]
        assert (path["path"], path["pathType"]) == ("/gezond", "Prefix")  # both probe paths
        allowed = gezond["metadata"]["annotations"][
            "nginx.ingress.kubernetes.io/whitelist-source-range"
        ]
        for cidr in allowed.split(","):
            assert cidr.strip() not in ("0.0.0.0/0", "::/0"), cidr
    allowed = one(base, "Ingress", "samenaanpak-gezond")["metadata"]["annotations"]
    assert allowed["nginx.ingress.kubernetes.io/whitelist-source-range"] == "127.0.0.1/32"


def test_network_policies_let_in_only_the_ingress_controller(base):
    default = one(base, "NetworkPolicy", "samenaanpak-default")["spec"]
    assert default["podSelector"]["matchLabels"] == {"app.kubernetes.io/name": "samenaanpak"}
    assert default["policyTypes"] == ["Ingress", "Egress"]
    assert default["ingress"] == []
    ports = {p["port"] for rule in default["egress"] for p in rule["ports"]}
    assert ports == {53, 5432, 6379, 25, 465, 587}
    # DNS only to the cluster's DNS pods, even in the base.
    (dns,) = [r for r in default["egress"] if {p["port"] for p in r["ports"]} == {53}]
    assert {(p["port"], p["protocol"]) for p in dns["ports"]} == {(53, "UDP"), (53, "TCP")}
    assert dns["to"] == KUBE_DNS

    web = one(base, "NetworkPolicy", "samenaanpak-web-ingress")["spec"]
    assert web["podSelector"]["matchLabels"]["app.kubernetes.io/component"] == "web"
    (rule,) = web["ingress"]
    assert [p["port"] for p in rule["ports"]] == [8000]
    (source,) = rule["from"]
    assert source["namespaceSelector"] and source["podSelector"]  # not "any pod anywhere"


def test_the_overlay_narrows_every_outgoing_connection(overlay):
    """The base allows PostgreSQL, Redis and SMTP to any address; the overlay names the servers,
    so no egress rule of the rendered overlay is open to the whole network."""
    destinations = {}
    for policy in find(overlay, "NetworkPolicy"):
        for rule in policy["spec"].get("egress", []):
            assert rule.get("to"), (policy["metadata"]["name"], rule)
            for peer in rule["to"]:
                assert peer.get("ipBlock", {}).get("cidr") not in ("0.0.0.0/0", "::/0"), rule
                assert peer != {} and peer.get("namespaceSelector") != {}, rule
            for port in rule["ports"]:
                destinations[port["port"]] = rule["to"]
    assert set(destinations) == {53, 5432, 6379, 25, 465, 587}
    assert destinations[53] == KUBE_DNS


def test_the_base_holds_no_secret(base):
    assert not [d for d in base if d["kind"] == "Secret"]
    for config in find(base, "ConfigMap"):
        assert not SECRET_KEYS & set(config["data"]), "a secret belongs in the Secret"
        for key in config["data"]:
            assert not any(word in key for word in ("PASSWORD", "SECRET", "PEPPER", "TOKEN"))


def test_the_overlay_pins_the_image_and_names_its_host_everywhere(overlay):
    images = {c["image"] for _, pod in workloads(overlay) for c in pod["containers"]}
    (image,) = images  # one image for web, worker, scheduler and the migrate Job
    name, _, tag = image.rpartition(":")
    assert "@sha256:" in image or (name and tag and tag != "latest"), image

    config = find(overlay, "ConfigMap", "samenaanpak-config")[0]["data"]
    host = urlsplit(config["SITE_URL"]).hostname
    assert config["SITE_URL"].startswith("https://")
    assert config["ALLOWED_HOSTS"].split(",") == [host]
    assert config["BEHIND_TLS_PROXY"] == "1"
    assert config["TRUSTED_CLIENT_IP_HEADER"] == "HTTP_X_REAL_IP"
    for ingress in find(overlay, "Ingress"):
        assert ingress["spec"]["rules"][0]["host"] == host
        assert ingress["spec"]["tls"][0]["hosts"] == [host]
        assert ingress["spec"]["tls"][0]["secretName"] != "samenaanpak-tls"
    # The kubelet's probes carry the real host (ALLOWED_HOSTS) and https (SECURE_SSL_REDIRECT).
    web = one(overlay, "Deployment", "samenaanpak-web")["spec"]["template"]["spec"]
    for probe in ("startupProbe", "livenessProbe", "readinessProbe"):
        headers = {
            h["name"]: h["value"] for h in web["containers"][0][probe]["httpGet"]["httpHeaders"]
        }
        assert headers == {"Host": host, "X-Forwarded-Proto": "https"}, probe
    # Documents uploaded by editors survive the pods and are shared by both web replicas.
    volumes = {v["name"]: v for v in web["volumes"]}
    claim = volumes["data"]["persistentVolumeClaim"]["claimName"]
    pvc = one(overlay, "PersistentVolumeClaim", claim)
    assert pvc["spec"]["accessModes"] == ["ReadWriteMany"]

    (namespace,) = find(overlay, "Namespace")
    assert namespace["metadata"]["labels"]["pod-security.kubernetes.io/enforce"] == "restricted"
    assert {d["metadata"].get("namespace") for d in overlay if d["kind"] != "Namespace"} == {
        namespace["metadata"]["name"]
    }


def test_the_overlays_secret_is_an_example_with_placeholders_only(overlay):
    (secret,) = find(overlay, "Secret")
    assert set(secret["data"]) == SECRET_KEYS
    for key, value in secret["data"].items():
        assert "CHANGE-ME" in base64.b64decode(value).decode(), key
    example = (KUBERNETES / "overlays" / "example" / "secrets.example.env").read_text()
    assert example.startswith("# EXAMPLE ONLY")


def test_the_upgrades_first_step_applies_the_job_and_what_it_needs_but_no_deployment(overlay):
    """docs/deployment.md "Upgrade": `kubectl apply -l 'app.kubernetes.io/component notin
    (web,worker,scheduler)'` (a resource without the label matches too)."""
    first = {
        (
            d["kind"],
            d["metadata"]["name"].rsplit("-", 1)[0]
            if d["kind"] in ("ConfigMap", "Secret")
            else d["metadata"]["name"],
        )
        for d in overlay
        if d["metadata"].get("labels", {}).get("app.kubernetes.io/component")
        not in ("web", "worker", "scheduler")
    }
    assert {
        ("Namespace", "samenaanpak-nijkerk"),
        ("ServiceAccount", "samenaanpak"),
        ("ConfigMap", "samenaanpak-config"),
        ("Secret", "samenaanpak-secrets"),
        ("Job", "samenaanpak-migrate"),
    } <= first
    assert not {kind for kind, _ in first} & {"Deployment", "Ingress", "Service"}


def _upgrade_script() -> str:
    section = DEPLOYMENT_DOC.read_text().split("\n## Upgrade\n", 1)[1].split("\n## ", 1)[0]
    return section.split("```sh\n", 1)[1].split("```", 1)[0]


# A stand-in for kubectl: logs its arguments, answers `get job` with the Job's conditions.
FAKE_KUBECTL = """#!/bin/sh
echo "$*" >> "$KUBECTL_CALLS"
case "$*" in
  *" get job "*) printf '%s' "$JOB_CONDITIONS" ;;
  *" logs "*) echo "[pod/samenaanpak-migrate-x] migration failed" ;;
esac
"""


@pytest.mark.parametrize(
    ("conditions", "succeeds"),
    [
        ("Complete", True),
        ("SuccessCriteriaMet Complete", True),  # Kubernetes 1.31+ adds the first one
        ("Failed", False),
        ("FailureTarget Failed", False),
    ],
)
def test_the_documented_upgrade_stops_when_the_migrate_job_fails(tmp_path, conditions, succeeds):
    """docs/deployment.md "Upgrade": the script rolls the Deployments only after the Job has
    completed, and stops at once with the Job's logs when it failed (no 30-minute wait)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "kubectl"
    fake.write_text(FAKE_KUBECTL)
    fake.chmod(0o755)
    calls = tmp_path / "calls"
    result = subprocess.run(
        ["sh", "-c", _upgrade_script()],
        cwd=tmp_path,
        env={
            "PATH": f"{bin_dir}:{os.environ['PATH']}",
            "KUBECTL_CALLS": str(calls),
            "JOB_CONDITIONS": conditions,
        },
        capture_output=True,
        text=True,
        timeout=20,
    )
    rolled = "apply -f release.yaml\n" in calls.read_text()
    if succeeds:
        assert result.returncode == 0, result.stderr
        assert rolled
    else:
        assert result.returncode != 0
        assert not rolled
        assert "migration failed" in result.stdout


def test_the_documented_restart_after_a_secret_change_selects_every_deployment(overlay):
    """docs/deployment.md: a Secret made outside kustomize has no hash suffix, so the pods are
    restarted by label; that label must select exactly the site's Deployments."""
    (selector,) = re.findall(
        r"rollout restart deployment -l (\S+)=(\S+)", DEPLOYMENT_DOC.read_text()
    )
    key, value = selector
    selected = {
        d["metadata"]["name"]
        for d in find(overlay, "Deployment")
        if d["metadata"]["labels"].get(key) == value
    }
    assert selected == {"samenaanpak-web", "samenaanpak-worker", "samenaanpak-scheduler"}
