"""The seed's stack for bench/serve_vs.sh: a FastAPI app on uvicorn (Debian python3-fastapi and
python3-uvicorn), with the endpoints the benchmark drives, answering what `userscale serve`
answers. Like the seed prototype it runs the CPU work in the request handler.

Run: /usr/bin/python3 -m uvicorn fastapi_app:app --app-dir bench --port 8001
"""
import time

from fastapi import FastAPI, HTTPException

app = FastAPI()


@app.get("/healthz")
async def healthz():
    return {"status": "ok"}


@app.get("/gpu_job")
def gpu_job(work_ms: int = 0):
    if work_ms < 0 or work_ms > 60000:
        raise HTTPException(status_code=400, detail="work_ms: out of range [0, 60000]")
    t0 = time.perf_counter()
    end = t0 + work_ms / 1000.0
    x = 1.0
    while True:
        for _ in range(1000):
            x = x * 1.0000001 + 1e-9
        if time.perf_counter() >= end:
            break
    return {
        "workload": "gpu_job",
        "work_ms": work_ms,
        "device": "cpu",
        "compute_ms": (time.perf_counter() - t0) * 1000.0,
    }
