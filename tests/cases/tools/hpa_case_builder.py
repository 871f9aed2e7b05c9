"""Builders for `hpa` decision cases: real Kubernetes object JSON from upstream test fixtures.

The upstream tests (kubernetes/kubernetes pkg/controller/podautoscaler) build pods, metrics and
scales with fake clients. These helpers rebuild the same fixtures as the objects a cluster would
return, so that a case can be read like `kubectl get -o json` output. Only the shapes live here;
the numbers and the expected answers are in gen_hpa_cases.py, each next to the upstream test it
comes from.
"""

from datetime import datetime, timedelta, timezone

NOW = datetime(2025, 6, 1, 12, 0, 0, tzinfo=timezone.utc)
NAMESPACE = "test-namespace"
POD_PREFIX = "test-pod"
POD_LABELS = {"name": POD_PREFIX}
SELECTOR = "name=test-pod"

# The settings the upstream unit tests run with (defaultTesting* in replica_calculator.go).
UPSTREAM_CONFIG = {"cpuInitializationPeriodSeconds": 120, "initialReadinessDelaySeconds": 10}

# Upstream pods carry a zero start time unless a test sets one; coolCPUCreationTime() is three
# minutes ago and hotCPUCreationTime() is now. With a 120 s initialization period and a 10 s
# readiness delay, these realistic times put every pod in the same readiness class as upstream:
#   default/cool: past the initialization period; Ready=True counts, Ready=False became
#                 unready within the readiness delay after start, i.e. "never ready" -> unready;
#   hot:          inside the initialization period; Ready=False -> unready, Ready=True with a
#                 sample taken before lastTransitionTime + window -> unready.
PROFILES = {
    # seconds before NOW: start, Ready=True transition, Ready=False transition
    "default": (600, 580, 595),
    "cool": (180, 160, 175),
    "hot": (30, 15, 25),
}
SAMPLE_AGE = 10  # metrics are 10 s old at NOW
SAMPLE_WINDOW = "60s"  # upstream fakes report a one-minute window


def ts(seconds_ago):
    """RFC 3339 time `seconds_ago` seconds before NOW."""
    t = NOW - timedelta(seconds=seconds_ago)
    if t.microsecond:
        return t.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def q(milli):
    """Canonical Quantity text of a milli value, as the API server prints it."""
    if milli % 1000 == 0:
        return str(milli // 1000)
    return f"{milli}m"


def pod_name(i):
    return f"{POD_PREFIX}-{i}"


def pod(i, requests=None, ready=True, profile="default", phase="Running", deleting=False,
        memory_requests=False):
    """A v1 Pod with two containers (container1, container2), as the upstream fakes build.

    `requests` is a pair of CPU milli values (one per container) or None for no requests.
    """
    containers = []
    for c, name in enumerate(("container1", "container2")):
        container = {"name": name, "image": "registry.k8s.io/pause:3.9", "resources": {}}
        if requests is not None:
            reqs = {"cpu": q(requests[c])}
            if memory_requests:
                reqs["memory"] = "512Ki"
            container["resources"] = {"requests": reqs}
        containers.append(container)
    status = {"phase": phase}
    if phase == "Pending":
        status["conditions"] = [
            {"type": "PodScheduled", "status": "False", "lastTransitionTime": ts(60)},
            {"type": "Ready", "status": "False", "lastTransitionTime": ts(60)},
        ]
    else:
        start, ready_true, ready_false = PROFILES[profile]
        status["startTime"] = ts(start)
        status["conditions"] = [{
            "type": "Ready",
            "status": "True" if ready else "False",
            "lastTransitionTime": ts(ready_true if ready else ready_false),
        }]
    metadata = {"name": pod_name(i), "namespace": NAMESPACE, "labels": dict(POD_LABELS)}
    if deleting:
        metadata["deletionTimestamp"] = ts(5)
        metadata["deletionGracePeriodSeconds"] = 30
    return {"apiVersion": "v1", "kind": "Pod", "metadata": metadata,
            "spec": {"containers": containers}, "status": status}


def pod_list(items):
    return {"apiVersion": "v1", "kind": "PodList", "items": items}


def pod_metrics_item(name, usage_by_container, with_memory=False):
    """One PodMetrics item; `usage_by_container` is [(container, cpu milli), ...]."""
    containers = []
    for cname, milli in usage_by_container:
        usage = {"cpu": q(milli)}
        if with_memory:
            usage["memory"] = "512Ki"
        containers.append({"name": cname, "usage": usage})
    return {"metadata": {"name": name, "namespace": NAMESPACE, "labels": dict(POD_LABELS)},
            "timestamp": ts(SAMPLE_AGE), "window": SAMPLE_WINDOW, "containers": containers}


def pod_metrics_list(items):
    return {"apiVersion": "metrics.k8s.io/v1beta1", "kind": "PodMetricsList", "items": items}


def pods_custom_metrics(metric, values):
    """MetricValueList with one value per pod test-pod-<i>."""
    items = []
    for i, milli in enumerate(values):
        items.append({
            "describedObject": {"kind": "Pod", "namespace": NAMESPACE, "name": pod_name(i),
                                "apiVersion": "/v1"},
            "metric": {"name": metric},
            "timestamp": ts(SAMPLE_AGE),
            "value": q(milli),
        })
    return {"apiVersion": "custom.metrics.k8s.io/v1beta2", "kind": "MetricValueList",
            "items": items}


DEPLOYMENT_REF = {"apiVersion": "apps/v1", "kind": "Deployment", "name": "some-deployment"}


def object_custom_metrics(metric, milli, described=DEPLOYMENT_REF):
    item = {
        "describedObject": {"kind": described["kind"], "namespace": NAMESPACE,
                            "name": described["name"], "apiVersion": described["apiVersion"]},
        "metric": {"name": metric},
        "timestamp": ts(SAMPLE_AGE),
        "value": q(milli),
    }
    return {"apiVersion": "custom.metrics.k8s.io/v1beta2", "kind": "MetricValueList",
            "items": [item]}


def external_metrics(series):
    """ExternalMetricValueList; `series` is [(metricName, labels dict, milli), ...]."""
    items = [{"metricName": name, "metricLabels": dict(labels), "timestamp": ts(SAMPLE_AGE),
              "value": q(milli)} for name, labels, milli in series]
    return {"apiVersion": "external.metrics.k8s.io/v1beta1", "kind": "ExternalMetricValueList",
            "items": items}


# --- metric specs (autoscaling/v2 MetricSpec) -------------------------------------------------

def cpu_utilization(target):
    return {"type": "Resource",
            "resource": {"name": "cpu",
                         "target": {"type": "Utilization", "averageUtilization": target}}}


def container_cpu_utilization(target, container):
    return {"type": "ContainerResource",
            "containerResource": {"name": "cpu", "container": container,
                                  "target": {"type": "Utilization",
                                             "averageUtilization": target}}}


def pods_average(metric, milli):
    return {"type": "Pods",
            "pods": {"metric": {"name": metric},
                     "target": {"type": "AverageValue", "averageValue": q(milli)}}}


def object_value(metric, milli, described=DEPLOYMENT_REF):
    return {"type": "Object",
            "object": {"describedObject": dict(described), "metric": {"name": metric},
                       "target": {"type": "Value", "value": q(milli)}}}


def object_average(metric, milli, described=DEPLOYMENT_REF):
    return {"type": "Object",
            "object": {"describedObject": dict(described), "metric": {"name": metric},
                       "target": {"type": "AverageValue", "averageValue": q(milli)}}}


def external_value(metric, milli, selector):
    return {"type": "External",
            "external": {"metric": {"name": metric, "selector": selector},
                         "target": {"type": "Value", "value": q(milli)}}}


def external_average(metric, milli, selector):
    return {"type": "External",
            "external": {"metric": {"name": metric, "selector": selector},
                         "target": {"type": "AverageValue", "averageValue": q(milli)}}}


# --- behavior (autoscaling/v2 HPAScalingRules) ------------------------------------------------

def scaling_rules(pods=0, pods_period=0, percent=0, percent_period=0, window=None,
                  select="Max", tolerance=None):
    """Mirror of upstream generateScalingRules; a zero value leaves that policy out."""
    rules = {}
    if window is not None:
        rules["stabilizationWindowSeconds"] = window
    if select is not None:
        rules["selectPolicy"] = select
    policies = []
    if pods:
        policies.append({"type": "Pods", "value": pods, "periodSeconds": pods_period})
    if percent:
        policies.append({"type": "Percent", "value": percent, "periodSeconds": percent_period})
    if policies:
        rules["policies"] = policies
    if tolerance is not None:
        rules["tolerance"] = tolerance
    return rules


def pass_through_behavior(up_tolerance=None, down_tolerance=None):
    """A behavior that never limits: no stabilization and rates far above any proposal.

    Used for replica-calculator ports, where upstream asserts the calculator's proposal only:
    with it (and an empty recommendation history) the final count equals the proposal.
    """
    up = {"stabilizationWindowSeconds": 0, "selectPolicy": "Max",
          "policies": [{"type": "Pods", "value": 1000, "periodSeconds": 15}]}
    down = {"stabilizationWindowSeconds": 0, "selectPolicy": "Max",
            "policies": [{"type": "Percent", "value": 100, "periodSeconds": 15}]}
    if up_tolerance is not None:
        up["tolerance"] = up_tolerance
    if down_tolerance is not None:
        down["tolerance"] = down_tolerance
    return {"scaleUp": up, "scaleDown": down}


# --- the HPA, the Scale and the case --------------------------------------------------------

RC_TARGET = {"apiVersion": "v1", "kind": "ReplicationController", "name": "test-rc"}
DEPLOYMENT_TARGET = {"apiVersion": "apps/v1", "kind": "Deployment", "name": "test-deployment"}


def hpa(min_replicas, max_replicas, metrics, current, behavior=None, target=RC_TARGET):
    spec = {"scaleTargetRef": dict(target), "maxReplicas": max_replicas, "metrics": metrics}
    if min_replicas is not None:
        spec["minReplicas"] = min_replicas
    if behavior is not None:
        spec["behavior"] = behavior
    return {"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
            "metadata": {"name": "test-hpa", "namespace": NAMESPACE},
            "spec": spec,
            "status": {"currentReplicas": current, "desiredReplicas": current}}


def scale(spec_replicas, status_replicas, selector=SELECTOR, target=RC_TARGET):
    status = {"replicas": status_replicas}
    if selector is not None:
        status["selector"] = selector
    return {"apiVersion": "autoscaling/v1", "kind": "Scale",
            "metadata": {"name": target["name"], "namespace": NAMESPACE},
            "spec": {"replicas": spec_replicas}, "status": status}


def recommendations(pairs):
    """[(replicas, seconds ago), ...] -> history.recommendations."""
    return [{"timestamp": ts(age), "replicas": r} for r, age in pairs]


def uniform_events(changes, period):
    """Mirror of upstream generateEventsUniformDistribution: events spread over `period` s."""
    seg = period / len(changes)
    out = []
    for idx, change in enumerate(changes):
        age = period - seg * (idx + 1) + seg / 2
        out.append({"timestamp": ts(age), "replicaChange": change})
    return out


def history(recs=None, up=None, down=None):
    h = {}
    if recs is not None:
        h["recommendations"] = recs
    h["scaleUpEvents"] = up or []
    h["scaleDownEvents"] = down or []
    return h


def condition(ctype, status, reason):
    return {"type": ctype, "status": status, "reason": reason}


STATUS_OK = [
    condition("AbleToScale", "True", "SucceededRescale"),
    condition("ScalingActive", "True", "ValidMetricFound"),
    condition("ScalingLimited", "False", "DesiredWithinRange"),
]


def status_ok_with(*overrides):
    """Upstream statusOkWithOverrides: later overrides of one type replace earlier ones."""
    conds = [dict(c) for c in STATUS_OK]
    for o in overrides:
        for i, c in enumerate(conds):
            if c["type"] == o["type"]:
                conds[i] = dict(o)
                break
        else:
            conds.append(dict(o))
    return conds


def make_case(name, source, hpa_obj, scale_obj, pods, expect, pod_metrics=None,
              custom_metrics=None, external=None, hist=None, config=UPSTREAM_CONFIG):
    inp = {"hpa": hpa_obj, "scale": scale_obj, "pods": pod_list(pods)}
    if pod_metrics is not None:
        inp["podMetrics"] = pod_metrics
    if custom_metrics is not None:
        inp["customMetrics"] = custom_metrics
    if external is not None:
        inp["externalMetrics"] = external
    if hist is not None:
        inp["history"] = hist
    if config is not None:
        inp["config"] = dict(config)
    return {"kind": "hpa", "name": name, "source": source, "now": ts(0), "input": inp,
            "expect": expect}
