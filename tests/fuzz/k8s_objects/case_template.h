// A valid `hpa` decision case with every Kubernetes object the HPA reads: the
// HorizontalPodAutoscaler (Resource, Pods, Object and External metrics), the Scale, a PodList, a
// PodMetricsList, a custom MetricValueList and an ExternalMetricValueList. The fuzzer replaces
// one of them with its input. Built from tests/cases/hpa/max-replicas.json and
// hpa-with-tolerance--scale-up.json; `userscale decide` on it scales 3 -> 5 (maxReplicas).
#pragma once

inline constexpr const char* kHpaCaseTemplate = R"json({
 "kind": "hpa",
 "name": "fuzz-template",
 "source": "tests/fuzz",
 "now": "2025-06-01T12:00:00Z",
 "input": {
  "hpa": {
   "apiVersion": "autoscaling/v2",
   "kind": "HorizontalPodAutoscaler",
   "metadata": {
    "name": "test-hpa",
    "namespace": "test-namespace"
   },
   "spec": {
    "scaleTargetRef": {
     "apiVersion": "v1",
     "kind": "ReplicationController",
     "name": "test-rc"
    },
    "maxReplicas": 5,
    "metrics": [
     {
      "type": "Resource",
      "resource": {
       "name": "cpu",
       "target": {
        "type": "Utilization",
        "averageUtilization": 90
       }
      }
     },
     {
      "type": "Pods",
      "pods": {
       "metric": {
        "name": "qps"
       },
       "target": {
        "type": "AverageValue",
        "averageValue": "100"
       }
      }
     },
     {
      "type": "Object",
      "object": {
       "describedObject": {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "name": "some-deployment"
       },
       "metric": {
        "name": "qps"
       },
       "target": {
        "type": "Value",
        "value": "15"
       }
      }
     },
     {
      "type": "External",
      "external": {
       "metric": {
        "name": "qps",
        "selector": {}
       },
       "target": {
        "type": "AverageValue",
        "averageValue": "100"
       }
      }
     }
    ],
    "minReplicas": 2
   },
   "status": {
    "currentReplicas": 3,
    "desiredReplicas": 3
   }
  },
  "scale": {
   "apiVersion": "autoscaling/v1",
   "kind": "Scale",
   "metadata": {
    "name": "test-rc",
    "namespace": "test-namespace"
   },
   "spec": {
    "replicas": 3
   },
   "status": {
    "replicas": 3,
    "selector": "name=test-pod"
   }
  },
  "pods": {
   "apiVersion": "v1",
   "kind": "PodList",
   "items": [
    {
     "apiVersion": "v1",
     "kind": "Pod",
     "metadata": {
      "name": "test-pod-0",
      "namespace": "test-namespace",
      "labels": {
       "name": "test-pod"
      }
     },
     "spec": {
      "containers": [
       {
        "name": "container1",
        "image": "registry.k8s.io/pause:3.9",
        "resources": {
         "requests": {
          "cpu": "450m"
         }
        }
       },
       {
        "name": "container2",
        "image": "registry.k8s.io/pause:3.9",
        "resources": {
         "requests": {
          "cpu": "450m"
         }
        }
       }
      ]
     },
     "status": {
      "phase": "Running",
      "startTime": "2025-06-01T11:50:00Z",
      "conditions": [
       {
        "type": "Ready",
        "status": "True",
        "lastTransitionTime": "2025-06-01T11:50:20Z"
       }
      ]
     }
    },
    {
     "apiVersion": "v1",
     "kind": "Pod",
     "metadata": {
      "name": "test-pod-1",
      "namespace": "test-namespace",
      "labels": {
       "name": "test-pod"
      }
     },
     "spec": {
      "containers": [
       {
        "name": "container1",
        "image": "registry.k8s.io/pause:3.9",
        "resources": {
         "requests": {
          "cpu": "500m"
         }
        }
       },
       {
        "name": "container2",
        "image": "registry.k8s.io/pause:3.9",
        "resources": {
         "requests": {
          "cpu": "500m"
         }
        }
       }
      ]
     },
     "status": {
      "phase": "Running",
      "startTime": "2025-06-01T11:50:00Z",
      "conditions": [
       {
        "type": "Ready",
        "status": "True",
        "lastTransitionTime": "2025-06-01T11:50:20Z"
       }
      ]
     }
    },
    {
     "apiVersion": "v1",
     "kind": "Pod",
     "metadata": {
      "name": "test-pod-2",
      "namespace": "test-namespace",
      "labels": {
       "name": "test-pod"
      }
     },
     "spec": {
      "containers": [
       {
        "name": "container1",
        "image": "registry.k8s.io/pause:3.9",
        "resources": {
         "requests": {
          "cpu": "550m"
         }
        }
       },
       {
        "name": "container2",
        "image": "registry.k8s.io/pause:3.9",
        "resources": {
         "requests": {
          "cpu": "550m"
         }
        }
       }
      ]
     },
     "status": {
      "phase": "Running",
      "startTime": "2025-06-01T11:50:00Z",
      "conditions": [
       {
        "type": "Ready",
        "status": "True",
        "lastTransitionTime": "2025-06-01T11:50:20Z"
       }
      ]
     }
    }
   ]
  },
  "podMetrics": {
   "apiVersion": "metrics.k8s.io/v1beta1",
   "kind": "PodMetricsList",
   "items": [
    {
     "metadata": {
      "name": "test-pod-0",
      "namespace": "test-namespace",
      "labels": {
       "name": "test-pod"
      }
     },
     "timestamp": "2025-06-01T11:59:50Z",
     "window": "60s",
     "containers": [
      {
       "name": "container1",
       "usage": {
        "cpu": "4",
        "memory": "512Ki"
       }
      },
      {
       "name": "container2",
       "usage": {
        "cpu": "4",
        "memory": "512Ki"
       }
      }
     ]
    },
    {
     "metadata": {
      "name": "test-pod-1",
      "namespace": "test-namespace",
      "labels": {
       "name": "test-pod"
      }
     },
     "timestamp": "2025-06-01T11:59:50Z",
     "window": "60s",
     "containers": [
      {
       "name": "container1",
       "usage": {
        "cpu": "4750m",
        "memory": "512Ki"
       }
      },
      {
       "name": "container2",
       "usage": {
        "cpu": "4750m",
        "memory": "512Ki"
       }
      }
     ]
    },
    {
     "metadata": {
      "name": "test-pod-2",
      "namespace": "test-namespace",
      "labels": {
       "name": "test-pod"
      }
     },
     "timestamp": "2025-06-01T11:59:50Z",
     "window": "60s",
     "containers": [
      {
       "name": "container1",
       "usage": {
        "cpu": "500m",
        "memory": "512Ki"
       }
      },
      {
       "name": "container2",
       "usage": {
        "cpu": "500m",
        "memory": "512Ki"
       }
      }
     ]
    }
   ]
  },
  "customMetrics": {
   "apiVersion": "custom.metrics.k8s.io/v1beta2",
   "kind": "MetricValueList",
   "items": [
    {
     "describedObject": {
      "kind": "Pod",
      "namespace": "test-namespace",
      "name": "test-pod-0",
      "apiVersion": "/v1"
     },
     "metric": {
      "name": "qps"
     },
     "timestamp": "2025-06-01T11:59:50Z",
     "value": "108"
    },
    {
     "describedObject": {
      "kind": "Pod",
      "namespace": "test-namespace",
      "name": "test-pod-1",
      "apiVersion": "/v1"
     },
     "metric": {
      "name": "qps"
     },
     "timestamp": "2025-06-01T11:59:50Z",
     "value": "108"
    },
    {
     "describedObject": {
      "kind": "Pod",
      "namespace": "test-namespace",
      "name": "test-pod-2",
      "apiVersion": "/v1"
     },
     "metric": {
      "name": "qps"
     },
     "timestamp": "2025-06-01T11:59:50Z",
     "value": "108"
    },
    {
     "describedObject": {
      "kind": "Deployment",
      "namespace": "test-namespace",
      "name": "some-deployment",
      "apiVersion": "apps/v1"
     },
     "metric": {
      "name": "qps"
     },
     "timestamp": "2025-06-01T11:59:50Z",
     "value": "20"
    }
   ]
  },
  "externalMetrics": {
   "apiVersion": "external.metrics.k8s.io/v1beta1",
   "kind": "ExternalMetricValueList",
   "items": [
    {
     "metricName": "qps",
     "metricLabels": {},
     "timestamp": "2025-06-01T11:59:50Z",
     "value": "3700"
    }
   ]
  },
  "history": {
   "recommendations": [],
   "scaleUpEvents": [],
   "scaleDownEvents": []
  },
  "config": {
   "cpuInitializationPeriodSeconds": 120,
   "initialReadinessDelaySeconds": 10
  }
 }
})json";
