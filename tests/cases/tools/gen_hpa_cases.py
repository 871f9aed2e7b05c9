#!/usr/bin/env python3
"""Emit tests/cases/hpa/*.json and tests/cases/hpa-malformed/* from upstream HPA tests.

Run from anywhere: `python3 tests/cases/tools/gen_hpa_cases.py`. The emitted JSON is checked
in; this script only documents where every number comes from and regenerates the files.

Sources (kubernetes/kubernetes, pkg/controller/podautoscaler):
  * replica_calculator_test.go (v1.31/v1.32 form, and the newer table form for the
    configurable-tolerance sub-tests): the calculator's proposal, utilization and raw value;
  * horizontal_test.go (commit 003e86297d18): the controller's desired count and conditions.
    Those tests set scaleUpLimitFactor = 8; only tests whose answer is the same with the
    production factor 2 are ported (each was checked by hand, see the comments);
  * test/integration/podautoscaler TestHPAWithTolerance: per-direction tolerances.
Expected numbers are upstream assertions. Where a case needs an answer upstream does not state
(the final count of a calculator-only test), the HPA is built so that the answer equals the
upstream number by construction: bounds that do not bind and an empty recommendation history,
plus a non-limiting behavior where the 2x/4 scale-up limit would otherwise bind. Cases marked
"derived" come from hpa-spec.md worked examples or from a cited upstream code line.
"""

import json
import os
import re
import sys

sys.dont_write_bytecode = True  # keep tests/cases/tools free of __pycache__
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from hpa_case_builder import (  # noqa: E402
    DEPLOYMENT_TARGET, RC_TARGET, STATUS_OK, condition, container_cpu_utilization,
    cpu_utilization, external_average, external_metrics, external_value, history, hpa,
    make_case, object_average, object_custom_metrics, object_value, pass_through_behavior, pod,
    pod_metrics_item, pod_metrics_list, pod_name, pods_average, pods_custom_metrics, q,
    recommendations, scale, scaling_rules, status_ok_with, uniform_events)

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
HPA_DIR = os.path.join(ROOT, "tests", "cases", "hpa")
MALFORMED_DIR = os.path.join(ROOT, "tests", "cases", "hpa-malformed")

T, F = True, False
R, P, X = "Running", "Pending", "Failed"
ABSENT = object()  # history not given: the HPA is seen for the first time

CASES = []


def kebab(test_name, sub=None):
    base = test_name[4:] if test_name.startswith("Test") else test_name
    base = base.replace("_", "-")
    base = re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "-", base).lower()
    if sub:
        s = sub.replace("%", "pct")
        s = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "-", s).lower()
        s = re.sub(r"[^a-z0-9]+", "-", s).strip("-")
        base += "--" + s
    return base


def source_of(test_name, sub=None):
    return f"{test_name}/{sub}" if sub else test_name


def add(case):
    CASES.append(case)


def ceil_div(a, b):
    return -(-a // b)


# ============================================================================================
# replica_calculator_test.go: resource (Resource / ContainerResource Utilization) tests.
# Upstream pods have two containers, container1 and container2, each requesting requests[i];
# makePodMetricLevels(x) gives each container the usage x.
# ============================================================================================

def lv(*per_pod):
    """makePodMetricLevels: both containers of pod i use per_pod[i]."""
    return [[x, x] for x in per_pod]


def rc_resource(test, expected=None, *, current, requests, levels, target, util=None, raw=None,
                container=None, readiness=None, start=None, phases=None, deleting=None,
                metric_pod_names=None, tolerances=None, error=False, sub=None):
    n = max(current, len(phases) if phases else 0)
    pods = []
    for i in range(n):
        ready = readiness[i] if readiness and i < len(readiness) else True
        req = (requests[i], requests[i]) if i < len(requests) else None
        pods.append(pod(i, req, ready=ready, profile=start[i] if start else "default",
                        phase=phases[i] if phases else "Running",
                        deleting=deleting[i] if deleting else False))
    metric_items = []
    for i, per_container in enumerate(levels):
        name = metric_pod_names[i] if metric_pod_names and i < len(metric_pod_names) \
            else pod_name(i)
        metric_items.append(pod_metrics_item(
            name, [(f"container{j + 1}", m) for j, m in enumerate(per_container)]))
    spec_metric = (container_cpu_utilization(target, container) if container
                   else cpu_utilization(target))
    behavior = None
    if tolerances is not None:
        down, up = tolerances  # upstream Tolerances{scaleDown, scaleUp}
        behavior = pass_through_behavior(up_tolerance=up, down_tolerance=down)
    elif expected is not None and expected > max(2 * current, 4):
        behavior = pass_through_behavior()
    if error:
        expect = {"desiredReplicas": current,
                  "conditions": [condition("ScalingActive", "False",
                                           "FailedGetContainerResourceMetric" if container
                                           else "FailedGetResourceMetric")]}
    else:
        expect = {"desiredReplicas": expected,
                  "metrics": [{"name": "cpu", "proposedReplicas": expected,
                               "current": {"averageUtilization": util,
                                           "averageValue": q(raw)}}]}
    add(make_case(kebab(test, sub), source_of(test, sub),
                  hpa(1, 100, [spec_metric], current, behavior=behavior,
                      target=DEPLOYMENT_TARGET),
                  scale(current, current, target=DEPLOYMENT_TARGET), pods, expect,
                  pod_metrics=pod_metrics_list(metric_items), hist=history(recs=[])))


ONE = 1000  # resource.MustParse("1.0") in milli


rc_resource("TestReplicaCalcScaleUp", 5, current=3, requests=[ONE] * 3,
            levels=lv(300, 500, 700), target=30, util=50, raw=2 * 500)
rc_resource("TestReplicaCalcContainerScaleUp", 5, current=3, requests=[ONE] * 3,
            levels=[[1000, 300], [1000, 500], [1000, 700]], target=30, util=50, raw=500,
            container="container2")
rc_resource("TestReplicaCalcScaleUpUnreadyLessScale", 4, current=3, requests=[ONE] * 3,
            readiness=[F, T, T], levels=lv(300, 500, 700), target=30, util=60, raw=2 * 600)
rc_resource("TestReplicaCalcScaleUpContainerHotCpuLessScale", 4, current=3,
            requests=[ONE] * 3, start=["hot", "cool", "cool"],
            levels=[[0, 300], [0, 500], [0, 700]], target=30, util=60, raw=600,
            container="container2")
rc_resource("TestReplicaCalcScaleUpHotCpuLessScale", 4, current=3, requests=[ONE] * 3,
            start=["hot", "cool", "cool"], levels=lv(300, 500, 700), target=30, util=60,
            raw=2 * 600)
rc_resource("TestReplicaCalcScaleUpUnreadyNoScale", 3, current=3, requests=[ONE] * 3,
            readiness=[T, F, F], levels=lv(400, 500, 700), target=30, util=40, raw=2 * 400)
rc_resource("TestReplicaCalcScaleHotCpuNoScale", 3, current=3, requests=[ONE] * 3,
            readiness=[T, F, F], start=["cool", "hot", "hot"], levels=lv(400, 500, 700),
            target=30, util=40, raw=2 * 400)
rc_resource("TestReplicaCalcScaleUpIgnoresFailedPods", 4, current=2, requests=[ONE] * 4,
            readiness=[T, T, F, F], phases=[R, R, X, X], levels=lv(500, 700), target=30,
            util=60, raw=2 * 600)
rc_resource("TestReplicaCalcMissingContainerMetricScaleUpIgnoresFailedPods", 4, current=2,
            requests=[ONE] * 4, readiness=[T, T, F, F], phases=[R, R, X, X],
            levels=[[1000, 500], [9000, 700], [1000], [9000]], target=30, util=60, raw=600,
            container="container2")
rc_resource("TestReplicaCalcScaleUpContainerIgnoresFailedPods", 4, current=2,
            requests=[ONE] * 4, readiness=[T, T, F, F], phases=[R, R, X, X],
            levels=[[1000, 500], [9000, 700]], target=30, util=60, raw=600,
            container="container2")
rc_resource("TestReplicaCalcScaleUpIgnoresDeletionPods", 4, current=2, requests=[ONE] * 4,
            readiness=[T, T, F, F], phases=[R, R, R, R], deleting=[F, F, T, T],
            levels=lv(500, 700), target=30, util=60, raw=2 * 600)
rc_resource("TestReplicaCalcScaleUpContainerIgnoresDeletionPods", 4, current=2,
            requests=[ONE] * 4, readiness=[T, T, F, F], phases=[R, R, R, R],
            deleting=[F, F, T, T], levels=lv(500, 700), target=30, util=60, raw=600,
            container="container1")
rc_resource("TestReplicaCalcScaleDown", 3, current=5, requests=[ONE] * 5,
            levels=lv(100, 300, 500, 250, 250), target=50, util=28, raw=2 * 280)
rc_resource("TestReplicaCalcContainerScaleDown", 3, current=5, requests=[ONE] * 5,
            levels=[[1000, 100], [1000, 300], [1000, 500], [1000, 250], [1000, 250]],
            target=50, util=28, raw=280, container="container2")
rc_resource("TestReplicaCalcScaleDownExcludeUnreadyPods", 2, current=5, requests=[ONE] * 5,
            readiness=[T, T, T, F, F], levels=lv(100, 300, 500, 250, 250), target=50, util=30,
            raw=2 * 300)
rc_resource("TestReplicaCalcScaleDownContainerExcludeUnreadyPods", 2, current=5,
            requests=[ONE] * 5, readiness=[T, T, T, F, F],
            levels=[[1000, 100], [1000, 300], [1000, 500], [1000, 250], [1000, 250]],
            target=50, util=30, raw=300, container="container2")
rc_resource("TestReplicaCalcScaleDownExcludeUnscheduledPods", 1, current=5,
            requests=[ONE] * 5, readiness=[T, F, F, F, F], phases=[R, P, P, P, P],
            levels=lv(100), target=50, util=10, raw=2 * 100)
rc_resource("TestReplicaCalcScaleDownContainerExcludeUnscheduledPods", 1, current=5,
            requests=[ONE] * 5, readiness=[T, F, F, F, F], phases=[R, P, P, P, P],
            levels=[[1000, 100], [1000, 300], [1000, 500], [1000, 250], [1000, 250]],
            target=50, util=10, raw=100, container="container2")
rc_resource("TestReplicaCalcScaleDownIgnoreHotCpuPods", 2, current=5, requests=[ONE] * 5,
            start=["cool", "cool", "cool", "hot", "hot"], levels=lv(100, 300, 500, 250, 250),
            target=50, util=30, raw=2 * 300)
rc_resource("TestReplicaCalcScaleDownContainerIgnoreHotCpuPods", 2, current=5,
            requests=[ONE] * 5, start=["cool", "cool", "cool", "hot", "hot"],
            levels=[[1000, 100], [1000, 300], [1000, 500], [1000, 1000], [1000, 1000]],
            target=50, util=30, raw=300, container="container2")
rc_resource("TestReplicaCalcScaleDownIgnoresFailedPods", 3, current=5, requests=[ONE] * 7,
            readiness=[T, T, T, T, T, F, F], phases=[R, R, R, R, R, X, X],
            levels=lv(100, 300, 500, 250, 250), target=50, util=28, raw=2 * 280)
rc_resource("TestReplicaCalcScaleDownContainerIgnoresFailedPods", 3, current=5,
            requests=[ONE] * 7, readiness=[T, T, T, T, T, F, F], phases=[R, R, R, R, R, X, X],
            levels=[[1000, 100], [1000, 300], [1000, 500], [1000, 250], [1000, 250]],
            target=50, util=28, raw=280, container="container2")
rc_resource("TestReplicaCalcScaleDownIgnoresDeletionPods", 3, current=5, requests=[ONE] * 7,
            readiness=[T, T, T, T, T, F, F], phases=[R] * 7,
            deleting=[F, F, F, F, F, T, T], levels=lv(100, 300, 500, 250, 250), target=50,
            util=28, raw=2 * 280)
rc_resource("TestReplicaCalcScaleDownIgnoresDeletionPods_StillRunning", 3, current=5,
            requests=[ONE] * 7, readiness=[T, T, T, T, T, F, F], phases=[R] * 7,
            deleting=[F, F, F, F, F, T, T],
            levels=[[1000, 100], [1000, 300], [1000, 500], [1000, 250], [1000, 250]],
            target=50, util=28, raw=280, container="container2")
rc_resource("TestReplicaCalcTolerance", 3, current=3, requests=[900, 1000, 1100],
            levels=lv(1010, 1030, 1020), target=100, util=102, raw=2 * 1020)
# 587 % against 100 % on the fast path: ceil(5.87 * 4 ready pods) = 24 (the metrics of the two
# unknown pods count in the utilization only through pods that have a request: none).
rc_resource("TestReplicaCalcSuperfluousMetrics", 24, current=4, requests=[ONE] * 4,
            levels=lv(4000, 9500, 3000, 7000, 3200, 2000), target=100, util=587,
            raw=2 * 5875)
rc_resource("TestReplicaCalcMissingMetrics", 3, current=4, requests=[ONE] * 4,
            levels=lv(400, 95), target=100, util=24, raw=495)
rc_resource("TestReplicaCalcEmptyMetrics", current=4, requests=[ONE] * 3, levels=[],
            target=100, error=True)
rc_resource("TestReplicaCalcEmptyCPURequest", current=1, requests=[], levels=lv(200),
            target=100, error=True)
rc_resource("TestReplicaCalcDisjointResourcesMetrics", current=1, requests=[ONE],
            levels=lv(100), metric_pod_names=["an-older-pod-name"], target=100, error=True)
rc_resource("TestReplicaCalcMissingMetricsNoChangeEq", 2, current=2, requests=[ONE] * 2,
            levels=lv(1000), target=100, util=100, raw=2 * 1000)
rc_resource("TestReplicaCalcMissingMetricsNoChangeGt", 2, current=2, requests=[ONE] * 2,
            levels=lv(1900), target=100, util=190, raw=2 * 1900)
rc_resource("TestReplicaCalcMissingMetricsNoChangeLt", 2, current=2, requests=[ONE] * 2,
            levels=lv(600), target=100, util=60, raw=2 * 600)
rc_resource("TestReplicaCalcMissingMetricsUnreadyChange", 3, current=3, requests=[ONE] * 3,
            readiness=[F, T, T], levels=lv(100, 450), target=50, util=45, raw=2 * 450)
rc_resource("TestReplicaCalcMissingMetricsHotCpuNoChange", 3, current=3, requests=[ONE] * 3,
            start=["hot", "cool", "cool"], levels=lv(100, 450), target=50, util=45,
            raw=2 * 450)
rc_resource("TestReplicaCalcMissingMetricsUnreadyScaleUp", 4, current=3, requests=[ONE] * 3,
            readiness=[F, T, T], levels=lv(100, 2000), target=50, util=200, raw=2 * 2000)
rc_resource("TestReplicaCalcMissingMetricsHotCpuScaleUp", 4, current=3, requests=[ONE] * 3,
            readiness=[F, T, T], start=["hot", "cool", "cool"], levels=lv(100, 2000),
            target=50, util=200, raw=2 * 2000)
rc_resource("TestReplicaCalcMissingMetricsUnreadyScaleDown", 3, current=4, requests=[ONE] * 4,
            readiness=[F, T, T, T], levels=lv(100, 100, 100), target=50, util=10, raw=2 * 100)
rc_resource("TestReplicaCalcMissingMetricsScaleDownTargetOver100", 2, current=4,
            requests=[1000, 1000, 2000, 2000], readiness=[F, T, T, T],
            levels=lv(200, 100, 100), target=300, util=6, raw=2 * 100)
rc_resource("TestReplicaCalcDuringRollingUpdateWithMaxSurge", 2, current=2, requests=[ONE] * 3,
            phases=[R, R, R], levels=lv(100, 100), target=50, util=10, raw=2 * 100)

# TestReplicaCalcComputedToleranceAlgImplementation: 10 pods at 150m per container against
# requests of 2x that: utilization 50 %. Target int32((1/(2*0.9) + .01) * 100) = 56 gives
# ceil(1500 / (3000 * 0.56556) * 10) = 9; the second half uses + .004, target 55, no change.
_TOL_REQUESTS = [400, 200, 310, 290, 302, 298, 301, 299, 300, 300]
rc_resource("TestReplicaCalcComputedToleranceAlgImplementation", 9, current=10,
            requests=_TOL_REQUESTS, levels=lv(*[150] * 10), target=56, util=50, raw=2 * 150,
            sub="scale down outside tolerance")
rc_resource("TestReplicaCalcComputedToleranceAlgImplementation", 10, current=10,
            requests=_TOL_REQUESTS, levels=lv(*[150] * 10), target=55, util=50, raw=2 * 150,
            sub="no scale within tolerance")

# Newer table form (TestReplicaCalcResourceTolerance): Tolerances{scaleDown, scaleUp}.
_MIXED = [900, 1000, 1100]
rc_resource("TestReplicaCalcResourceTolerance", 4, current=3, requests=_MIXED,
            levels=lv(909, 1010, 1111), target=100, util=101, raw=2 * 1010,
            tolerances=("0", "0"), sub="outside 0% tolerance")
rc_resource("TestReplicaCalcResourceTolerance", 3, current=3, requests=_MIXED,
            levels=lv(1890, 1910, 1900), target=100, util=190, raw=2 * 1900,
            tolerances=("0.1", "2"), sub="within 200% scale-up tolerance")
rc_resource("TestReplicaCalcResourceTolerance", 4, current=3, requests=_MIXED,
            levels=lv(1100, 1080, 1090), target=100, util=109, raw=2 * 1090,
            tolerances=("2", "0.08"),
            sub="outside 8% scale-up tolerance (superfluous scale-down tolerance)")
rc_resource("TestReplicaCalcResourceTolerance", 3, current=3, requests=_MIXED,
            levels=lv(660, 640, 650), target=100, util=65, raw=2 * 650,
            tolerances=("0.36", "0.1"), sub="within 36% scale-down tolerance")
rc_resource("TestReplicaCalcResourceTolerance", 2, current=3, requests=_MIXED,
            levels=lv(660, 640, 650), target=100, util=65, raw=2 * 650,
            tolerances=("0.34", "0.1"), sub="outside 34% scale-down tolerance")


# ============================================================================================
# replica_calculator_test.go: Pods, Object and External metrics.
# ============================================================================================

EXTERNAL_SELECTOR = {"matchLabels": {"label": "value"}}


def rc_metric(test, kind, expected, *, current, levels, target, usage, readiness=None,
              start=None, phases=None, tolerances=None, sub=None):
    n = max(current, len(phases) if phases else 0)
    pods = [pod(i, None, ready=readiness[i] if readiness and i < len(readiness) else True,
                profile=start[i] if start else "default",
                phase=phases[i] if phases else "Running") for i in range(n)]
    custom = external = None
    if kind == "pods":
        spec_metric = pods_average("qps", target)
        custom = pods_custom_metrics("qps", levels)
        current_status = {"averageValue": q(usage)}
    elif kind == "object":
        spec_metric = object_value("qps", target)
        custom = object_custom_metrics("qps", levels[0])
        current_status = {"value": q(usage)}
    elif kind == "object-per-pod":
        spec_metric = object_average("qps", target)
        custom = object_custom_metrics("qps", levels[0])
        current_status = {"averageValue": q(usage)}
    elif kind == "external":
        spec_metric = external_value("qps", target, EXTERNAL_SELECTOR)
        external = external_metrics([("qps", {"label": "value"}, m) for m in levels])
        current_status = {"value": q(usage)}
    elif kind == "external-per-pod":
        spec_metric = external_average("qps", target, EXTERNAL_SELECTOR)
        external = external_metrics([("qps", {"label": "value"}, m) for m in levels])
        current_status = {"averageValue": q(usage)}
    else:
        raise ValueError(kind)
    behavior = None
    if tolerances is not None:
        down, up = tolerances
        behavior = pass_through_behavior(up_tolerance=up, down_tolerance=down)
    elif expected > max(2 * current, 4):
        behavior = pass_through_behavior()
    expect = {"desiredReplicas": expected,
              "metrics": [{"name": "qps", "proposedReplicas": expected,
                           "current": current_status}]}
    add(make_case(kebab(test, sub), source_of(test, sub),
                  hpa(1, 100, [spec_metric], current, behavior=behavior,
                      target=DEPLOYMENT_TARGET),
                  scale(current, current, target=DEPLOYMENT_TARGET), pods, expect,
                  custom_metrics=custom, external=external, hist=history(recs=[])))


rc_metric("TestReplicaCalcScaleUpCM", "pods", 4, current=3, levels=[20000, 10000, 30000],
          target=15000, usage=20000)
rc_metric("TestReplicaCalcScaleUpCMUnreadyHotCpuNoLessScale", "pods", 6, current=3,
          readiness=[T, T, F], start=["cool", "cool", "hot"], levels=[50000, 10000, 30000],
          target=15000, usage=30000)
rc_metric("TestReplicaCalcScaleUpCMUnreadyHotCpuScaleWouldScaleDown", "pods", 7, current=3,
          readiness=[F, T, F], start=["hot", "cool", "hot"], levels=[50000, 15000, 30000],
          target=15000, usage=31666)
rc_metric("TestReplicaCalcScaleUpCMObject", "object", 4, current=3, levels=[20000],
          target=15000, usage=20000)
rc_metric("TestReplicaCalcScaleUpCMPerPodObject", "object-per-pod", 4, current=3,
          levels=[20000], target=5000, usage=6667)
rc_metric("TestReplicaCalcScaleUpCMObjectIgnoresUnreadyPods", "object", 5, current=3,
          readiness=[F, T, F], levels=[50000], target=10000, usage=50000)
rc_metric("TestReplicaCalcScaleUpCMExternalIgnoresUnreadyPods", "external", 2, current=3,
          readiness=[F, T, F], levels=[8600], target=4400, usage=8600)
rc_metric("TestReplicaCalcScaleUpPerPodCMExternal", "external-per-pod", 4, current=3,
          levels=[8600], target=2150, usage=2867)
rc_metric("TestReplicaCalcScaleDownCM", "pods", 3, current=5, levels=[12000] * 5,
          target=20000, usage=12000)
rc_metric("TestReplicaCalcScaleDownPerPodCMObject", "object-per-pod", 3, current=5,
          levels=[6000], target=2000, usage=1200)
rc_metric("TestReplicaCalcScaleDownCMObject", "object", 3, current=5, levels=[12000],
          target=20000, usage=12000)
rc_metric("TestReplicaCalcScaleDownCMExternal", "external", 3, current=5, levels=[8600],
          target=14334, usage=8600)
rc_metric("TestReplicaCalcScaleDownPerPodCMExternal", "external-per-pod", 3, current=5,
          levels=[8600], target=2867, usage=1720)
rc_metric("TestReplicaCalcToleranceCM", "pods", 3, current=3, levels=[20000, 21000, 21000],
          target=20000, usage=20666)
rc_metric("TestReplicaCalcToleranceCMObject", "object", 3, current=3, levels=[20666],
          target=20000, usage=20666)
rc_metric("TestReplicaCalcTolerancePerPodCMObject", "object-per-pod", 4, current=4,
          levels=[20166], target=5000, usage=5042)
rc_metric("TestReplicaCalcToleranceCMExternal", "external", 3, current=3, levels=[8600],
          target=8888, usage=8600)
rc_metric("TestReplicaCalcTolerancePerPodCMExternal", "external-per-pod", 3, current=3,
          levels=[8600], target=2900, usage=2867)
rc_metric("TestPlainMetricReplicaCalcMissingMetricsNoChangeEq", "pods", 5, current=5,
          levels=[20000, 19000, 21000], target=20000, usage=20000)
rc_metric("TestReplicaCalcDuringRollingUpdateWithMaxSurgeCM", "pods", 2, current=2,
          phases=[R, R, R], levels=[10000, 10000], target=17000, usage=10000)
# Newer table form: Tolerances{defaultTestingTolerance, .01} = 10 % down, 1 % up.
_ONE_PCT = ("0.1", "0.01")
rc_metric("TestReplicaCalcPodMetric", "pods", 4, current=3, levels=[20000, 21000, 21000],
          target=20000, usage=20666, tolerances=_ONE_PCT,
          sub="outside configurable 1% tolerance")
rc_metric("TestReplicaCalcObjectMetric", "object", 4, current=3, levels=[20666],
          target=20000, usage=20666, tolerances=_ONE_PCT,
          sub="outside configurable 1% tolerance")
rc_metric("TestReplicaCalcObjectPerPodMetric", "object-per-pod", 5, current=4, levels=[20208],
          target=5000, usage=5052, tolerances=_ONE_PCT,
          sub="outside configurable 1% tolerance")
rc_metric("TestReplicaCalcExternalMetric", "external", 4, current=3, levels=[8900],
          target=8800, usage=8900, tolerances=_ONE_PCT,
          sub="outside configurable 1% tolerance")
rc_metric("TestReplicaCalcExternalPerPodMetric", "external-per-pod", 4, current=3,
          levels=[8600], target=2800, usage=2867, tolerances=_ONE_PCT,
          sub="outside configurable 1% tolerance")


# ============================================================================================
# horizontal_test.go: whole reconciles. Pods have two containers that each request half the
# pod's request and use half of its reported level; pod metrics also carry memory. Conditions
# default to upstream statusOk. `recs=ABSENT` is upstream `recommendations: nil` (the HPA is
# new, the controller seeds its history with the current count).
# ============================================================================================

CHEDDAR = {"type": "CheddarCheese"}
EMPTY_SELECTOR = {}


def hz(test, expected, *, min_r, max_r, spec, status=None, cpu_target=0, metrics=(),
       levels=(), requests=None, readiness=None, start=None, phases=None, deleting=None,
       recs=ABSENT, up_rules=None, down_rules=None, conditions=None, cpu_current=None,
       failing=(), selector="name=test-pod", target=RC_TARGET, sub=None):
    status = spec if status is None else status
    n = len(requests) if requests is not None else status
    pods = []
    for i in range(n):
        req = requests[i] if requests is not None else ONE
        pods.append(pod(i, (req // 2, req // 2),
                        ready=readiness[i] if readiness else True,
                        profile=start[i] if start else "default",
                        phase=phases[i] if phases else "Running",
                        deleting=deleting[i] if deleting else False))
    spec_metrics = []
    if cpu_target > 0:
        spec_metrics.append(cpu_utilization(cpu_target))
    spec_metrics.extend(metrics)
    if not spec_metrics:
        # Upstream adds a bare cpu Resource metric; its target is never read in these tests.
        spec_metrics.append(cpu_utilization(80))
    types = {m["type"] for m in spec_metrics}
    pod_metrics = custom = external = None
    if types & {"Resource", "ContainerResource"} and "resource" not in failing:
        pod_metrics = pod_metrics_list([
            pod_metrics_item(pod_name(i), [("container1", lvl // 2), ("container2", lvl // 2)],
                             with_memory=True) for i, lvl in enumerate(levels)])
    if "Pods" in types and "custom" not in failing:
        custom = pods_custom_metrics("qps", levels)
    if "Object" in types and "custom" not in failing:
        custom = object_custom_metrics("qps", levels[0])
    if "External" in types and "external" not in failing:
        external = external_metrics([("qps", {}, lvl) for lvl in levels])
    behavior = None
    if up_rules is not None or down_rules is not None:
        behavior = {}
        if up_rules is not None:
            behavior["scaleUp"] = up_rules
        if down_rules is not None:
            behavior["scaleDown"] = down_rules
    expect = {"desiredReplicas": expected,
              "conditions": conditions if conditions is not None else list(STATUS_OK)}
    if cpu_current is not None:
        expect["metrics"] = [{"name": "cpu", "current": {"averageUtilization": cpu_current}}]
    hist = None if recs is ABSENT else history(recs=recs)
    add(make_case(kebab(test, sub), source_of(test, sub),
                  hpa(min_r, max_r, spec_metrics, spec, behavior=behavior, target=target),
                  scale(spec, status, selector=selector, target=target), pods, expect,
                  pod_metrics=pod_metrics, custom_metrics=custom, external=external,
                  hist=hist))


READY_FOR_NEW_SCALE = condition("AbleToScale", "True", "ReadyForNewScale")
SUCCEEDED_RESCALE = condition("AbleToScale", "True", "SucceededRescale")
TOO_MANY = condition("ScalingLimited", "True", "TooManyReplicas")
TOO_FEW = condition("ScalingLimited", "True", "TooFewReplicas")
GOT_SCALE = condition("AbleToScale", "True", "SucceededGetScale")


def inactive(reason):
    return [GOT_SCALE, condition("ScalingActive", "False", reason)]


C3 = [ONE] * 3
C5 = [ONE] * 5

# Scale-ups: every answer below is <= max(2 * current, 4), or is capped by maxReplicas with
# maxReplicas <= 2 * current, so the production scale-up limit gives the same count.
hz("TestScaleUp", 5, min_r=2, max_r=6, spec=3, cpu_target=30, levels=[300, 500, 700],
   requests=C3, cpu_current=50)
hz("TestScaleUpContainer", 5, min_r=2, max_r=6, spec=3,
   metrics=[container_cpu_utilization(30, "container1")], levels=[300, 500, 700],
   requests=C3)
hz("TestScaleUpUnreadyLessScale", 4, min_r=2, max_r=6, spec=3, cpu_target=30,
   levels=[300, 500, 700], requests=C3, readiness=[F, T, T], cpu_current=60)
hz("TestScaleUpHotCpuLessScale", 4, min_r=2, max_r=6, spec=3, cpu_target=30,
   levels=[300, 500, 700], requests=C3, start=["hot", "cool", "cool"], cpu_current=60)
hz("TestScaleUpUnreadyNoScale", 3, min_r=2, max_r=6, spec=3, cpu_target=30,
   levels=[400, 500, 700], requests=C3, readiness=[T, F, F], cpu_current=40,
   conditions=status_ok_with(READY_FOR_NEW_SCALE))
hz("TestScaleUpHotCpuNoScale", 3, min_r=2, max_r=6, spec=3, cpu_target=30,
   levels=[400, 500, 700], requests=C3, readiness=[T, F, F], start=["cool", "hot", "hot"],
   cpu_current=40, conditions=status_ok_with(READY_FOR_NEW_SCALE))
hz("TestScaleUpIgnoresFailedPods", 4, min_r=2, max_r=6, spec=2, cpu_target=30,
   levels=[500, 700], requests=[ONE] * 4, readiness=[T, T, F, F], phases=[R, R, X, X],
   cpu_current=60)
hz("TestScaleUpIgnoresDeletionPods", 4, min_r=2, max_r=6, spec=2, cpu_target=30,
   levels=[500, 700], requests=[ONE] * 4, readiness=[T, T, F, F], phases=[R] * 4,
   deleting=[F, F, T, T], cpu_current=60)
hz("TestScaleUpDeployment", 5, min_r=2, max_r=6, spec=3, cpu_target=30,
   levels=[300, 500, 700], requests=C3, cpu_current=50,
   target={"apiVersion": "apps/v1", "kind": "Deployment", "name": "test-dep"})
hz("TestScaleUpCM", 4, min_r=2, max_r=6, spec=3, metrics=[pods_average("qps", 15000)],
   levels=[20000, 10000, 30000], requests=C3)
hz("TestScaleUpCMUnreadyAndHotCpuNoLessScale", 6, min_r=2, max_r=6, spec=3,
   metrics=[pods_average("qps", 15000)], levels=[50000, 10000, 30000], requests=C3,
   readiness=[T, T, F], start=["cool", "cool", "hot"])
hz("TestScaleUpCMUnreadyandCpuHot", 6, min_r=2, max_r=6, spec=3,
   metrics=[pods_average("qps", 15000)], levels=[50000, 15000, 30000], requests=C3,
   readiness=[F, T, F], start=["hot", "cool", "hot"],
   conditions=status_ok_with(SUCCEEDED_RESCALE, TOO_MANY))
hz("TestScaleUpHotCpuNoScaleWouldScaleDown", 6, min_r=2, max_r=6, spec=3,
   metrics=[pods_average("qps", 15000)], levels=[50000, 15000, 30000], requests=C3,
   start=["hot", "cool", "hot"], conditions=status_ok_with(SUCCEEDED_RESCALE, TOO_MANY))
hz("TestScaleUpCMObject", 4, min_r=2, max_r=6, spec=3, metrics=[object_value("qps", 15000)],
   levels=[20000])
hz("TestScaleUpFromZeroCMObject", 2, min_r=0, max_r=6, spec=0,
   metrics=[object_value("qps", 15000)], levels=[20000])
hz("TestScaleUpFromZeroIgnoresToleranceCMObject", 1, min_r=0, max_r=6, spec=0,
   metrics=[object_value("qps", 1000)], levels=[1000])
hz("TestScaleUpPerPodCMObject", 4, min_r=2, max_r=6, spec=3,
   metrics=[object_average("qps", 10000)], levels=[40000])
hz("TestScaleUpCMExternal", 4, min_r=2, max_r=6, spec=3,
   metrics=[external_value("qps", 6666, EMPTY_SELECTOR)], levels=[8600])
hz("TestScaleUpPerPodCMExternal", 4, min_r=2, max_r=6, spec=3,
   metrics=[external_average("qps", 2222, EMPTY_SELECTOR)], levels=[8600])

# Scale-downs.
_DOWN_LEVELS = [100, 300, 500, 250, 250]
hz("TestScaleDown", 3, min_r=2, max_r=6, spec=5, cpu_target=50, levels=_DOWN_LEVELS,
   requests=C5, recs=[], cpu_current=28)
hz("TestScaleDownContainerResource", 3, min_r=2, max_r=6, spec=5,
   metrics=[container_cpu_utilization(50, "container2")], levels=_DOWN_LEVELS, requests=C5,
   recs=[])
hz("TestScaleDownWithScalingRules", 3, min_r=2, max_r=6, spec=5, cpu_target=50,
   up_rules=scaling_rules(0, 0, 100, 15, 30), levels=_DOWN_LEVELS, requests=C5, recs=[],
   cpu_current=28)
hz("TestScaleUpOneMetricInvalid", 4, min_r=2, max_r=6, spec=3, cpu_target=30,
   metrics=[CHEDDAR], levels=[300, 400, 500], requests=C3, cpu_current=40)
hz("TestScaleUpFromZeroOneMetricInvalid", 4, min_r=0, max_r=6, spec=0, cpu_target=30,
   metrics=[CHEDDAR], levels=[300, 400, 500], requests=C3, recs=[], cpu_current=40)
hz("TestScaleUpBothMetricsEmpty", 3, min_r=2, max_r=6, spec=3, metrics=[CHEDDAR], levels=[],
   requests=C3, conditions=inactive("InvalidMetricSourceType"))
hz("TestScaleDownStabilizeInitialSize", 5, min_r=2, max_r=6, spec=5, cpu_target=50,
   levels=_DOWN_LEVELS, requests=C5, recs=ABSENT, cpu_current=28,
   conditions=status_ok_with(READY_FOR_NEW_SCALE,
                             condition("AbleToScale", "True", "ScaleDownStabilized")))
hz("TestScaleDownCM", 3, min_r=2, max_r=6, spec=5, metrics=[pods_average("qps", 20000)],
   levels=[12000] * 5, requests=C5, recs=[])
hz("TestScaleDownCMObject", 3, min_r=2, max_r=6, spec=5, metrics=[object_value("qps", 20000)],
   levels=[12000], requests=C5, recs=[])
hz("TestScaleDownToZeroCMObject", 0, min_r=0, max_r=6, spec=5,
   metrics=[object_value("qps", 20000)], levels=[0], requests=C5, recs=[])
hz("TestScaleDownPerPodCMObject", 3, min_r=2, max_r=6, spec=5,
   metrics=[object_average("qps", 20000)], levels=[60000], requests=C5, recs=[])
hz("TestScaleDownCMExternal", 3, min_r=2, max_r=6, spec=5,
   metrics=[external_value("qps", 14400, EMPTY_SELECTOR)], levels=[8600], recs=[])
hz("TestScaleDownToZeroCMExternal", 0, min_r=0, max_r=6, spec=5,
   metrics=[external_value("qps", 14400, EMPTY_SELECTOR)], levels=[0], recs=[])
hz("TestScaleDownPerPodCMExternal", 3, min_r=2, max_r=6, spec=5,
   metrics=[external_average("qps", 3000, EMPTY_SELECTOR)], levels=[8600], recs=[])
hz("TestScaleDownIncludeUnreadyPods", 2, min_r=2, max_r=6, spec=5, cpu_target=50,
   levels=_DOWN_LEVELS, requests=C5, readiness=[T, T, T, F, F], recs=[], cpu_current=30)
hz("TestScaleDownIgnoreHotCpuPods", 2, min_r=2, max_r=6, spec=5, cpu_target=50,
   levels=_DOWN_LEVELS, requests=C5, start=["cool", "cool", "cool", "hot", "hot"], recs=[],
   cpu_current=30)
hz("TestScaleDownIgnoresFailedPods", 3, min_r=2, max_r=6, spec=5, cpu_target=50,
   levels=_DOWN_LEVELS, requests=[ONE] * 7, readiness=[T, T, T, T, T, F, F],
   phases=[R, R, R, R, R, X, X], recs=[], cpu_current=28)
hz("TestScaleDownIgnoresDeletionPods", 3, min_r=2, max_r=6, spec=5, cpu_target=50,
   levels=_DOWN_LEVELS, requests=[ONE] * 7, readiness=[T, T, T, T, T, F, F], phases=[R] * 7,
   deleting=[F, F, F, F, F, T, T], recs=[], cpu_current=28)

# Tolerance.
_MIXED_REQ = [900, 1000, 1100]
hz("TestTolerance", 3, min_r=1, max_r=5, spec=3, cpu_target=100, levels=[1010, 1030, 1020],
   requests=_MIXED_REQ, conditions=status_ok_with(READY_FOR_NEW_SCALE))
hz("TestToleranceCM", 3, min_r=1, max_r=5, spec=3, metrics=[pods_average("qps", 20000)],
   levels=[20000, 20001, 21000], requests=_MIXED_REQ,
   conditions=status_ok_with(READY_FOR_NEW_SCALE))
hz("TestToleranceCMObject", 3, min_r=1, max_r=5, spec=3, metrics=[object_value("qps", 20000)],
   levels=[20050], requests=_MIXED_REQ, conditions=status_ok_with(READY_FOR_NEW_SCALE))
hz("TestToleranceCMExternal", 4, min_r=2, max_r=6, spec=4,
   metrics=[external_value("qps", 8666, EMPTY_SELECTOR)], levels=[8600],
   conditions=status_ok_with(READY_FOR_NEW_SCALE))
_per_pod_object = object_average("qps", 2200)
_per_pod_object["object"]["metric"]["selector"] = {}
hz("TestTolerancePerPodCMObject", 4, min_r=2, max_r=6, spec=4, metrics=[_per_pod_object],
   levels=[8600], conditions=status_ok_with(READY_FOR_NEW_SCALE))
hz("TestTolerancePerPodCMExternal", 4, min_r=2, max_r=6, spec=4,
   metrics=[external_average("qps", 2200, EMPTY_SELECTOR)], levels=[8600],
   conditions=status_ok_with(READY_FOR_NEW_SCALE))

# Bounds.
hz("TestMinReplicas", 2, min_r=2, max_r=5, spec=3, cpu_target=90, levels=[10, 95, 10],
   requests=_MIXED_REQ, recs=[], conditions=status_ok_with(TOO_FEW))
hz("TestZeroMinReplicasDesiredZero", 0, min_r=0, max_r=5, spec=3, cpu_target=90,
   levels=[0, 0, 0], requests=_MIXED_REQ, recs=[],
   conditions=status_ok_with(condition("ScalingLimited", "False", "DesiredWithinRange")))
hz("TestMinReplicasDesiredZero", 2, min_r=2, max_r=5, spec=3, cpu_target=90, levels=[0, 0, 0],
   requests=_MIXED_REQ, recs=[], conditions=status_ok_with(TOO_FEW))
hz("TestZeroReplicas", 0, min_r=3, max_r=5, spec=0, cpu_target=90, levels=[], requests=[],
   conditions=inactive("ScalingDisabled"))
hz("TestTooFewReplicas", 3, min_r=3, max_r=5, spec=2, cpu_target=90, levels=[], requests=[],
   conditions=[SUCCEEDED_RESCALE])
hz("TestTooManyReplicas", 5, min_r=3, max_r=5, spec=10, cpu_target=90, levels=[],
   requests=[], conditions=[SUCCEEDED_RESCALE])
# 616 % against 90 %: far above; maxReplicas 5 < max(2*3, 4) so TooManyReplicas either way.
hz("TestMaxReplicas", 5, min_r=2, max_r=5, spec=3, cpu_target=90, levels=[8000, 9500, 1000],
   requests=_MIXED_REQ, conditions=status_ok_with(TOO_MANY))
# Proposal 24; maxReplicas 6 < max(2*4, 4) = 8, so TooManyReplicas with factor 2 as well.
hz("TestSuperfluousMetrics", 6, min_r=2, max_r=6, spec=4, cpu_target=100,
   levels=[4000, 9500, 3000, 7000, 3200, 2000], requests=[ONE] * 4,
   conditions=status_ok_with(TOO_MANY))
hz("TestMissingMetrics", 3, min_r=2, max_r=6, spec=4, cpu_target=100, levels=[400, 95],
   requests=[ONE] * 4, recs=[])
hz("TestEmptyMetrics", 4, min_r=2, max_r=6, spec=4, cpu_target=100, levels=[],
   requests=[ONE] * 4, conditions=inactive("FailedGetResourceMetric"))
hz("TestEmptyCPURequest", 1, min_r=1, max_r=5, spec=1, cpu_target=100, levels=[200],
   requests=[], conditions=inactive("FailedGetResourceMetric"))
hz("TestEventCreated", 2, min_r=1, max_r=5, spec=1, cpu_target=50, levels=[200],
   requests=[200])
hz("TestEventNotCreated", 2, min_r=1, max_r=5, spec=2, cpu_target=50, levels=[200, 200],
   requests=[400, 400], conditions=status_ok_with(READY_FOR_NEW_SCALE))
hz("TestMissingReports", 2, min_r=1, max_r=5, spec=4, cpu_target=50, levels=[200],
   requests=[200], recs=[])
# behavior scaleUp Percent 700 % / 60 s: the limit is ceil(3 * 8) = 24 (factor 8 not involved).
hz("TestUpscaleCap", 24, min_r=1, max_r=100, spec=3, up_rules=scaling_rules(0, 0, 700, 60, 0),
   cpu_target=10, levels=[100, 200, 300], requests=[100] * 3,
   conditions=status_ok_with(condition("ScalingLimited", "True", "ScaleUpLimit")))
hz("TestUpscaleCapGreaterThanMaxReplicas", 20, min_r=1, max_r=20, spec=3,
   up_rules=scaling_rules(0, 0, 700, 60, 0), cpu_target=10, levels=[100, 200, 300],
   requests=[100] * 3, conditions=status_ok_with(TOO_MANY))
hz("TestMoreReplicasThanSpecNoScale", 4, min_r=1, max_r=8, spec=4, status=5, cpu_target=50,
   levels=[500] * 5, requests=[ONE] * 5, conditions=status_ok_with(READY_FOR_NEW_SCALE))

# Conditions.
hz("TestConditionInvalidSelectorMissing", 3, min_r=1, max_r=100, spec=3, cpu_target=10,
   levels=[100, 200, 300], requests=[100] * 3, selector=None,
   conditions=inactive("InvalidSelector"))
hz("TestConditionInvalidSelectorUnparsable", 3, min_r=1, max_r=100, spec=3, cpu_target=10,
   levels=[100, 200, 300], requests=[100] * 3, selector="cheddar cheese",
   conditions=inactive("InvalidSelector"))
hz("TestConditionFailedGetMetrics", 3, min_r=1, max_r=100, spec=3, cpu_target=10,
   levels=[100, 200, 300], requests=[100] * 3, failing=("resource",),
   conditions=inactive("FailedGetResourceMetric"), sub="FailedGetResourceMetric")
hz("TestConditionFailedGetMetrics", 3, min_r=1, max_r=100, spec=3,
   metrics=[pods_average("qps", 15000)], levels=[100, 200, 300], requests=[100] * 3,
   failing=("custom",), conditions=inactive("FailedGetPodsMetric"), sub="FailedGetPodsMetric")
hz("TestConditionFailedGetMetrics", 3, min_r=1, max_r=100, spec=3,
   metrics=[object_value("qps", 15000)], levels=[100, 200, 300], requests=[100] * 3,
   failing=("custom",), conditions=inactive("FailedGetObjectMetric"),
   sub="FailedGetObjectMetric")
hz("TestConditionFailedGetMetrics", 3, min_r=1, max_r=100, spec=3,
   metrics=[external_value("qps", 300, EMPTY_SELECTOR)], levels=[100, 200, 300],
   requests=[100] * 3, failing=("external",), conditions=inactive("FailedGetExternalMetric"),
   sub="FailedGetExternalMetric")
hz("TestConditionInvalidSourceType", 3, min_r=2, max_r=6, spec=3, metrics=[CHEDDAR],
   levels=[20000], conditions=inactive("InvalidMetricSourceType"))
hz("TestNoBackoffUpscaleCM", 4, min_r=1, max_r=5, spec=3, metrics=[pods_average("qps", 15000)],
   levels=[20000, 10000, 30000], requests=C3,
   conditions=status_ok_with(READY_FOR_NEW_SCALE, SUCCEEDED_RESCALE,
                             condition("ScalingLimited", "False", "DesiredWithinRange")))
# CPU asks for 600, qps for 4: max 5 < max(2*3, 4), TooManyReplicas with factor 2 as well.
hz("TestNoBackoffUpscaleCMNoBackoffCpu", 5, min_r=1, max_r=5, spec=3, cpu_target=10,
   metrics=[pods_average("qps", 15000)], levels=[20000, 10000, 30000], requests=C3,
   conditions=status_ok_with(READY_FOR_NEW_SCALE, SUCCEEDED_RESCALE, TOO_MANY))
hz("TestStabilizeDownscale", 4, min_r=1, max_r=5, spec=4, cpu_target=100, levels=[50, 50, 50],
   requests=[100] * 3, recs=recommendations([(10, 600), (4, 60)]),
   conditions=status_ok_with(READY_FOR_NEW_SCALE,
                             condition("AbleToScale", "True", "ScaleDownStabilized")))
hz("TestComputedToleranceAlgImplementation", 9, min_r=0, max_r=1000, spec=10, cpu_target=56,
   levels=[150] * 10, requests=_TOL_REQUESTS, recs=[], sub="scale down outside tolerance")
hz("TestComputedToleranceAlgImplementation", 10, min_r=0, max_r=1000, spec=10, cpu_target=55,
   levels=[150] * 10, requests=_TOL_REQUESTS, recs=[],
   conditions=status_ok_with(READY_FOR_NEW_SCALE), sub="no scale within tolerance")
hz("TestScaleUpRCImmediately", 2, min_r=2, max_r=6, spec=1, levels=[0, 0, 0, 0],
   requests=[ONE] * 4, conditions=[SUCCEEDED_RESCALE])
hz("TestScaleDownRCImmediately", 5, min_r=2, max_r=5, spec=6, cpu_target=50,
   levels=[8000, 9500, 1000], requests=_MIXED_REQ, conditions=[SUCCEEDED_RESCALE])

# Several metrics, one failing.
hz("TestScaleUpOneMetricEmpty", 4, min_r=2, max_r=6, spec=3, cpu_target=30,
   metrics=[external_value("qps", 100, EMPTY_SELECTOR)], levels=[300, 400, 500], requests=C3,
   failing=("external",), cpu_current=40)
hz("TestNoScaleDownOneMetricInvalid", 5, min_r=2, max_r=6, spec=5, cpu_target=50,
   metrics=[CHEDDAR], levels=_DOWN_LEVELS, requests=C5, recs=[],
   conditions=inactive("InvalidMetricSourceType"))
hz("TestNoScaleDownOneMetricEmpty", 5, min_r=2, max_r=6, spec=5, cpu_target=50,
   metrics=[external_value("qps", 1000, EMPTY_SELECTOR)], levels=_DOWN_LEVELS, requests=C5,
   recs=[], failing=("external",), conditions=inactive("FailedGetExternalMetric"))


# ============================================================================================
# Normalization unit tests, driven through a whole reconcile. The proposal P comes from an
# External AverageValue metric with target 1 per pod: P = ceil(value / 1) whenever
# value / (1 * scale.status.replicas) is outside the 10 % tolerance (true for every case
# below), and no pod is read. Upstream asserts the normalized count; that is the answer.
# ============================================================================================

def proposal_metric():
    return external_average("qps", 1000, EMPTY_SELECTOR)


def norm(test, sub, expected, *, current, proposal, min_r, max_r, behavior=None, recs=(),
         up_events=None, down_events=None, conditions=None):
    expect = {"desiredReplicas": expected}
    if conditions is not None:
        expect["conditions"] = conditions
    add(make_case(kebab(test, sub), source_of(test, sub),
                  hpa(min_r, max_r, [proposal_metric()], current, behavior=behavior,
                      target=DEPLOYMENT_TARGET),
                  scale(current, current, target=DEPLOYMENT_TARGET), [], expect,
                  external=external_metrics([("qps", {}, proposal * 1000)]),
                  hist=history(recs=recommendations(recs), up=up_events, down=down_events)))


# TestNormalizeDesiredReplicas (no behavior: stabilizeRecommendation), 6 current replicas.
for sub, recs, p, want in [
    ("empty log", [], 5, 5),
    ("stabilize", [(4, 120), (5, 60)], 3, 5),
    ("no stabilize", [(1, 120), (2, 60)], 3, 3),
    ("no stabilize - old recommendations", [(10, 600), (9, 540)], 3, 3),
    ("stabilize - old recommendations", [(10, 600), (4, 60), (5, 120), (9, 540)], 3, 5),
]:
    norm("TestNormalizeDesiredReplicas", sub, want, current=6, proposal=p, min_r=1, max_r=10,
         recs=recs)


def stab_behavior(up_window, down_window):
    """Upstream passes both windows explicitly (0 when the test leaves one unset); the rate
    policies here never limit, so the answer is the stabilized recommendation."""
    b = pass_through_behavior()
    b["scaleUp"]["stabilizationWindowSeconds"] = up_window
    b["scaleDown"]["stabilizationWindowSeconds"] = down_window
    return b


# TestNormalizeDesiredReplicasWithBehavior (stabilizeRecommendationWithBehaviors).
for sub, recs, cur, p, want, up_w, down_w, conds in [
    ("empty recommendations for scaling down", [], 100, 5, 5, 0, 0, None),
    ("simple scale down stabilization", [(4, 120), (5, 60)], 100, 3, 5, 0, 180, None),
    ("simple scale up stabilization", [(4, 120), (5, 60)], 1, 7, 4, 300, 0, None),
    ("no scale down stabilization", [(1, 120), (2, 60)], 100, 3, 3, 300, 0, None),
    ("no scale up stabilization", [(4, 120), (5, 60)], 1, 3, 3, 0, 300, None),
    ("no scale down stabilization, reuse recommendation element", [(10, 600), (9, 540)], 100,
     3, 3, 0, 0, None),
    ("no scale up stabilization, reuse recommendation element", [(10, 600), (9, 540)], 1, 100,
     100, 0, 0, None),
    ("scale down stabilization, reuse one of obsolete recommendation element",
     [(10, 600), (4, 60), (5, 120), (9, 540)], 100, 3, 5, 0, 180, None),
    ("scale up stabilization, reuse one of obsolete recommendation element",
     [(10, 6000), (6, 60), (5, 120), (9, 180)], 1, 100, 5, 300, 0, None),
    # The count stays at current, so the stabilization reason of hpa-spec.md section 9.2
    # (horizontal.go normalizeDesiredReplicasWithBehaviors) is the final AbleToScale reason.
    ("scale up and down stabilization, do not scale up when prenormalized rec goes down",
     [(2, 6000), (3, 180)], 2, 1, 2, 300, 300,
     [condition("AbleToScale", "True", "ScaleDownStabilized")]),
    ("scale up and down stabilization, do not scale down when prenormalized rec goes up",
     [(2, 6000), (1, 180)], 2, 3, 2, 300, 300,
     [condition("AbleToScale", "True", "ScaleUpStabilized")]),
]:
    norm("TestNormalizeDesiredReplicasWithBehavior", sub, want, current=cur, proposal=p,
         min_r=1, max_r=1000, behavior=stab_behavior(up_w, down_w), recs=recs,
         conditions=conds)

# TestScalingWithRules (convertDesiredReplicasWithBehaviorRate). The recommendation history is
# empty, so stabilization passes the proposal through unchanged whatever the windows; a
# behavior is always present (upstream defaults the direction a test leaves nil). ScalingLimited
# is True exactly when the rate or the bounds changed the stabilized count.
DEFAULT_RULES_BEHAVIOR = {"scaleDown": {"stabilizationWindowSeconds": 300}}
_U = uniform_events
for sub, cur, p, mn, mx, up, down, up_ev, down_ev, want, reason in [
    ("prenormalized desired replicas within range", 5, 7, 3, 8, None, None, None, None, 7,
     "DesiredWithinRange"),
    ("prenormalized desired replicas < minReplicas", 3, 1, 2, 8, None, None, None, None, 2,
     "TooFewReplicas"),
    ("prenormalized desired replicas within range when minReplicas is 0", 1, 0, 0, 10, None,
     None, None, None, 0, "DesiredWithinRange"),
    ("desired replica count is more than the maximum replica count", 100, 1000, 100, 150, None,
     None, None, None, 150, "TooManyReplicas"),
    ("scaleUpLimit is the limit because scaleUpLimit < maxReplicas with user policies", 3,
     1000, 1, 2000, scaling_rules(0, 0, 1, 60, 0), None, None, None, 4, "ScaleUpLimit"),
    ("scaleUp with default behavior", 10, 50, 1, 1000, None, None, None, None, 20,
     "ScaleUpLimit"),
    ("scaleUp with pods policy larger than percent policy", 10, 500, 1, 1000,
     scaling_rules(100, 60, 100, 60, 0), None, None, None, 110, "ScaleUpLimit"),
    ("scaleUp with percent policy larger than pods policy", 10, 500, 1, 1000,
     scaling_rules(2, 60, 100, 60, 0), None, None, None, 20, "ScaleUpLimit"),
    ("scaleUp with spec MaxReplicas limitation with large pod policy", 10, 50, 1, 1000,
     scaling_rules(100, 60, 0, 0, 0), None, None, None, 50, "DesiredWithinRange"),
    ("scaleUp with spec MaxReplicas limitation with large percent policy", 10, 50, 1, 1000,
     scaling_rules(10000, 60, 0, 0, 0), None, None, None, 50, "DesiredWithinRange"),
    ("scaleUp with pod policy limitation", 10, 50, 1, 1000, scaling_rules(30, 60, 0, 0, 0),
     None, None, None, 40, "ScaleUpLimit"),
    ("scaleUp with percent policy limitation", 10, 50, 1, 1000,
     scaling_rules(0, 0, 200, 60, 0), None, None, None, 30, "ScaleUpLimit"),
    ("scaleDown with percent policy larger than pod policy", 100, 2, 1, 1000, None,
     scaling_rules(20, 60, 1, 60, 300), None, None, 80, "ScaleDownLimit"),
    ("scaleDown with pod policy larger than percent policy", 100, 2, 1, 1000, None,
     scaling_rules(2, 60, 1, 60, 300), None, None, 98, "ScaleDownLimit"),
    ("scaleDown with spec MinReplicas=nil limitation with large pod policy", 10, 0, 1, 1000,
     None, scaling_rules(100, 60, 0, 0, 300), None, None, 1, "TooFewReplicas"),
    ("scaleDown with spec MinReplicas limitation with large pod policy", 10, 0, 1, 1000, None,
     scaling_rules(100, 60, 0, 0, 300), None, None, 1, "TooFewReplicas"),
    ("scaleDown with spec MinReplicas limitation with large percent policy", 10, 2, 5, 1000,
     None, scaling_rules(0, 0, 100, 60, 300), None, None, 5, "TooFewReplicas"),
    ("scaleDown with pod policy limitation", 10, 2, 1, 1000, None,
     scaling_rules(5, 60, 0, 0, 300), None, None, 5, "ScaleDownLimit"),
    ("scaleDown with percent policy limitation", 10, 5, 1, 1000, None,
     scaling_rules(0, 0, 50, 60, 300), None, None, 5, "DesiredWithinRange"),
    ("scaleUp with spec MaxReplicas limitation with large pod policy and events", 100, 500, 1,
     200, scaling_rules(300, 60, 0, 0, 0), None, _U([1, 5, 9], 120), None, 200,
     "TooManyReplicas"),
    ("scaleUp with spec MaxReplicas limitation with large percent policy and events", 100, 500,
     1, 200, scaling_rules(0, 0, 10000, 60, 0), None, _U([1, 5, 9], 120), None, 200,
     "TooManyReplicas"),
    ("scaleUp with currentReplicas limitation with rate.PeriodSeconds with a lot of recent "
     "scale up events", 100, 500, 1, 1000, scaling_rules(5, 120, 0, 0, 0), None,
     _U([1, 5, 9], 120), None, 100, "ScaleUpLimit"),
    ("scaleUp with pod policy and previous scale up events", 100, 500, 1, 1000,
     scaling_rules(150, 120, 0, 0, 0), None, _U([1, 5, 9], 120), None, 235, "ScaleUpLimit"),
    ("scaleUp with percent policy and previous scale up events", 100, 500, 1, 1000,
     scaling_rules(0, 0, 200, 120, 0), None, _U([1, 5, 9], 120), None, 255, "ScaleUpLimit"),
    ("scaleUp with percent policy and previous scale up and down events", 6, 24, 1, 1000,
     scaling_rules(0, 0, 300, 300, 0), None, _U([4], 120), _U([2], 120), 16, "ScaleUpLimit"),
    ("scaleDown with default policy and previous events", 10, 5, 1, 1000, None, None, None,
     _U([1, 5, 9], 120), 5, "DesiredWithinRange"),
    ("scaleDown with spec MinReplicas=nil limitation with large pod policy and previous "
     "events", 100, 0, 1, 1000, None, scaling_rules(115, 120, 0, 0, 300), None,
     _U([1, 5, 9], 120), 1, "TooFewReplicas"),
    ("scaleDown with spec MinReplicas limitation with large pod policy and previous events",
     100, 0, 5, 1000, None, scaling_rules(130, 120, 0, 0, 300), None, _U([1, 5, 9], 120), 5,
     "TooFewReplicas"),
    ("scaleDown with spec MinReplicas limitation with large percent policy and previous "
     "events", 100, 2, 5, 1000, None, scaling_rules(0, 0, 100, 120, 300), None,
     _U([1, 5, 9], 120), 5, "TooFewReplicas"),
    ("scaleDown with pod policy limitation and previous events", 100, 2, 1, 1000, None,
     scaling_rules(5, 120, 0, 0, 300), None, _U([1, 5, 9], 120), 100, "ScaleDownLimit"),
    ("scaleDown with percent policy limitation and previous events", 100, 0, 1, 1000, None,
     scaling_rules(0, 0, 50, 120, 300), None, _U([2, 4, 6], 120), 56, "ScaleDownLimit"),
    ("scaleDown with percent policy and previous scale up and down events", 10, 1, 1, 1000,
     None, scaling_rules(0, 0, 50, 180, 0), _U([2], 120), _U([4], 120), 6, "ScaleDownLimit"),
    ("scaleDown with previous events preventing further scale down", 100, 0, 1, 1000, None,
     scaling_rules(0, 0, 10, 120, 300), None, _U([10, 10, 10], 120), 100, "ScaleDownLimit"),
    ("scaleDown with with previous events still allowing more scale down", 10, 5, 1, 1000,
     None, scaling_rules(0, 0, 1000, 120, 300), None, _U([10, 10, 10], 120), 5,
     "DesiredWithinRange"),
    ("check 'outdated' flag for events for one behavior for up", 100, 200, 1, 1000,
     scaling_rules(1000, 60, 0, 0, 0), None, _U([8, 12, 9, 11], 120), None, 200,
     "DesiredWithinRange"),
    ("check that events were not marked 'outdated' for two different policies in the behavior "
     "for up", 100, 200, 1, 1000, scaling_rules(1000, 120, 100, 60, 0), None,
     _U([8, 12, 9, 11], 120), None, 200, "DesiredWithinRange"),
    ("check that events were marked 'outdated' for two different policies in the behavior for "
     "up", 100, 200, 1, 1000, scaling_rules(1000, 30, 100, 60, 0), None,
     _U([8, 12, 9, 11], 120), None, 200, "DesiredWithinRange"),
    ("check 'outdated' flag for events for one behavior for down", 100, 5, 1, 1000, None,
     scaling_rules(1000, 60, 0, 0, 300), None, _U([8, 12, 9, 11], 120), 5,
     "DesiredWithinRange"),
    ("check that events were not marked 'outdated' for two different policies in the behavior "
     "for down", 100, 5, 1, 1000, None, scaling_rules(1000, 120, 100, 60, 300), None,
     _U([8, 12, 9, 11], 120), 5, "DesiredWithinRange"),
    ("check that events were marked 'outdated' for two different policies in the behavior for "
     "down", 100, 5, 1, 1000, None, scaling_rules(1000, 30, 100, 60, 300), None,
     _U([8, 12, 9, 11], 120), 5, "DesiredWithinRange"),
]:
    if up is None and down is None:
        behavior = dict(DEFAULT_RULES_BEHAVIOR)
    else:
        behavior = {}
        if up is not None:
            behavior["scaleUp"] = up
        if down is not None:
            behavior["scaleDown"] = down
    limited = "True" if want != p else "False"
    norm("TestScalingWithRules", sub, want, current=cur, proposal=p, min_r=mn, max_r=mx,
         behavior=behavior, up_events=up_ev, down_events=down_ev,
         conditions=[condition("ScalingLimited", limited, reason)])

# selectPolicy Min: TestCalculateScaleUpLimitWithScalingRules (limit 2 from 1 replica) and
# TestCalculateScaleDownLimitWithBehaviors (limit 3 from 5); the proposals are far beyond.
_MIN_RULES = {"stabilizationWindowSeconds": 300, "selectPolicy": "Min",
              "policies": [{"type": "Pods", "value": 2, "periodSeconds": 60},
                           {"type": "Percent", "value": 50, "periodSeconds": 60}]}
norm("TestCalculateScaleUpLimitWithScalingRules", None, 2, current=1, proposal=10, min_r=1,
     max_r=100, behavior={"scaleUp": dict(_MIN_RULES)},
     conditions=[condition("ScalingLimited", "True", "ScaleUpLimit")])
norm("TestCalculateScaleDownLimitWithBehaviors", None, 3, current=5, proposal=1, min_r=1,
     max_r=100, behavior={"scaleDown": dict(_MIN_RULES)},
     conditions=[condition("ScalingLimited", "True", "ScaleDownLimit")])


# ============================================================================================
# Per-direction tolerances through spec.behavior: test/integration/podautoscaler
# TestHPAWithTolerance (5 % up, 50 % down, External target 100 per pod). Upstream waits for
# "at least 37" / "no more than 10" and checks the in-tolerance steps do not move; with an
# empty recommendation history the counts are exactly ceil(value / 100) or unchanged.
# (Upstream writes the target as type Value with an averageValue; the controller reads the
# averageValue, so the cases say AverageValue.)
# ============================================================================================

def tolerance_case(sub, current, value, expected):
    behavior = {"scaleUp": {"tolerance": "0.05"}, "scaleDown": {"tolerance": "0.5"}}
    add(make_case(kebab("TestHPAWithTolerance", sub), source_of("TestHPAWithTolerance", sub),
                  hpa(1, 1000, [external_average("qps", 100000, EMPTY_SELECTOR)], current,
                      behavior=behavior, target=DEPLOYMENT_TARGET),
                  scale(current, current, target=DEPLOYMENT_TARGET), [],
                  {"desiredReplicas": expected},
                  external=external_metrics([("qps", {}, value * 1000)]),
                  hist=history(recs=[])))


tolerance_case("scale_up", 35, 3700, 37)
tolerance_case("scale_up_in_tolerance", 37, 3800, 37)
tolerance_case("scale_down", 37, 1000, 10)
tolerance_case("scale_down_in_tolerance", 10, 800, 10)


# ============================================================================================
# Derived cases: worked examples of hpa-spec.md and cited upstream code lines.
# ============================================================================================

def qps_pods_case(name, source, value, behavior, expected):
    pods = [pod(i, None) for i in range(10)]
    add(make_case(name, source,
                  hpa(1, 20, [pods_average("qps", 100000)], 10, behavior=behavior,
                      target=DEPLOYMENT_TARGET),
                  scale(10, 10, target=DEPLOYMENT_TARGET), pods,
                  {"desiredReplicas": expected,
                   "metrics": [{"name": "qps", "current": {"averageValue": q(value)}}]},
                  custom_metrics=pods_custom_metrics("qps", [value] * 10),
                  hist=history(recs=[])))


qps_pods_case("derived-tolerance-default-holds", "derived: hpa-spec.md section 5 worked "
              "example, ratio 1.08 inside the default 10 % tolerance", 108000, None, 10)
qps_pods_case("derived-tolerance-scale-up-5pct", "derived: hpa-spec.md section 5 worked "
              "example, scaleUp.tolerance 0.05 -> ceil(10.8)", 108000,
              {"scaleUp": {"tolerance": "0.05"}}, 11)
qps_pods_case("derived-tolerance-scale-down-20pct", "derived: hpa-spec.md section 5 worked "
              "example, ratio 0.85 inside scaleDown.tolerance 0.2", 85000,
              {"scaleDown": {"tolerance": "0.2"}}, 10)

# hpa-spec.md section 8 clamp example (TestConvertDesiredReplicasWithRules with the production
# factor 2): current 3, proposal 1000, maxReplicas 2000 -> max(2*3, 4) = 6, ScaleUpLimit.
norm("derived-scale-up-limit-without-behavior", None, 6, current=3, proposal=1000, min_r=1,
     max_r=2000, recs=[], conditions=[condition("ScalingLimited", "True", "ScaleUpLimit")])
CASES[-1]["source"] = ("derived: hpa-spec.md section 8 clamp example "
                       "(TestConvertDesiredReplicasWithRules, production scaleUpLimitFactor 2)")

# selectPolicy Disabled: horizontal.go calculateScaleUpLimitWithScalingRules and
# calculateScaleDownLimitWithBehaviors return currentReplicas ("Scaling is disabled").
norm("derived-select-policy-disabled-scale-up", None, 3, current=3, proposal=10, min_r=1,
     max_r=100, behavior={"scaleUp": {"selectPolicy": "Disabled"}},
     conditions=[condition("ScalingLimited", "True", "ScaleUpLimit")])
CASES[-1]["source"] = ("derived: selectPolicy Disabled, horizontal.go "
                       "calculateScaleUpLimitWithScalingRules returns currentReplicas")
norm("derived-select-policy-disabled-scale-down", None, 5, current=5, proposal=1, min_r=1,
     max_r=100, behavior={"scaleDown": {"selectPolicy": "Disabled"}},
     conditions=[condition("ScalingLimited", "True", "ScaleDownLimit")])
CASES[-1]["source"] = ("derived: selectPolicy Disabled, horizontal.go "
                       "calculateScaleDownLimitWithBehaviors returns currentReplicas")


def external_selector_case(name, source, selector, series, spec_metric_fn, target_milli,
                           current, expected, current_status):
    pods = [pod(i, None) for i in range(current)]
    add(make_case(name, source,
                  hpa(1, 10, [spec_metric_fn("queue_depth", target_milli, selector)], current,
                      target=DEPLOYMENT_TARGET),
                  scale(current, current, target=DEPLOYMENT_TARGET), pods,
                  {"desiredReplicas": expected,
                   "metrics": [{"name": "queue_depth", "current": current_status}]},
                  external=external_metrics(series), hist=history(recs=[])))


# matchLabels: the two "jobs" series sum to 8 against a Value target of 4 -> ratio 2, two ready
# pods -> 4; the "other" queue and the other metric name are not read.
external_selector_case(
    "derived-external-selector-match-labels",
    "derived: hpa-spec.md section 2 (External items whose labels match the selector are summed) "
    "and section 4.3",
    {"matchLabels": {"queue": "jobs"}},
    [("queue_depth", {"queue": "jobs", "shard": "a"}, 6000),
     ("queue_depth", {"queue": "jobs", "shard": "b"}, 2000),
     ("queue_depth", {"queue": "other"}, 100000),
     ("queue_latency", {"queue": "jobs"}, 50000)],
    external_value, 4000, 2, 4, {"value": "8"})
# matchExpressions: region In (eu, us) and no canary label -> 3 + 3 = 6 against an AverageValue
# target of 2 with 2 replicas -> ratio 1.5 -> ceil(6 / 2) = 3; reported average 6 / 2 = 3.
external_selector_case(
    "derived-external-selector-match-expressions",
    "derived: hpa-spec.md section 2 (matchExpressions) and section 4.4",
    {"matchExpressions": [{"key": "region", "operator": "In", "values": ["eu", "us"]},
                          {"key": "canary", "operator": "DoesNotExist"}]},
    [("queue_depth", {"region": "eu"}, 3000),
     ("queue_depth", {"region": "us"}, 3000),
     ("queue_depth", {"region": "ap"}, 50000),
     ("queue_depth", {"region": "eu", "canary": "true"}, 50000)],
    external_average, 2000, 2, 3, {"averageValue": "3"})


# ============================================================================================
# Malformed cases: a value the API would reject, a field of the wrong type, not JSON at all.
# ============================================================================================

def malformed():
    base = next(c for c in CASES if c["name"] == "scale-up")
    out = {}
    phase = json.loads(json.dumps(base))
    phase["name"] = "pod-phase-misspelled"
    phase["source"] = "derived: decision-cases.md section 3, pod status.phase outside the enum"
    phase["input"]["pods"]["items"][0]["status"]["phase"] = "Runing"
    del phase["expect"]
    phase["expectError"] = {"exitCode": 2, "mentions": "input.pods.items[0].status.phase"}
    out["pod-phase-misspelled.json"] = json.dumps(phase, indent=2) + "\n"

    replicas = json.loads(json.dumps(base))
    replicas["name"] = "scale-replicas-not-integer"
    replicas["source"] = "derived: decision-cases.md section 3, a field of the wrong type"
    replicas["input"]["scale"]["spec"]["replicas"] = 2.5
    del replicas["expect"]
    replicas["expectError"] = {"exitCode": 2, "mentions": "input.scale.spec.replicas"}
    out["scale-replicas-not-integer.json"] = json.dumps(replicas, indent=2) + "\n"

    # Truncated in the middle of an object: no parser can read it. The message must at least
    # name the file it failed on.
    out["not-json.json"] = ('{"kind": "hpa", "name": "not-json", "now": "2025-06-01T12:00:00Z",\n'
                            ' "input": {"hpa": {"spec": {"maxReplicas": 10,\n')
    out["not-json.expect.json"] = json.dumps(
        {"exitCode": 2, "mentions": "not-json.json"}, indent=2) + "\n"
    return out


def main():
    names = [c["name"] for c in CASES]
    dup = {n for n in names if names.count(n) > 1}
    if dup:
        raise SystemExit(f"duplicate case names: {sorted(dup)}")
    os.makedirs(HPA_DIR, exist_ok=True)
    os.makedirs(MALFORMED_DIR, exist_ok=True)
    for c in CASES:
        with open(os.path.join(HPA_DIR, c["name"] + ".json"), "w") as f:
            f.write(json.dumps(c, indent=2) + "\n")
    for fname, text in malformed().items():
        with open(os.path.join(MALFORMED_DIR, fname), "w") as f:
            f.write(text)
    print(f"wrote {len(CASES)} hpa cases and {len(malformed())} malformed files")


if __name__ == "__main__":
    main()
