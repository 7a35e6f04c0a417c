import { context, metrics, trace, type Attributes, type Span } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { AggregationTemporality, MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import type { NextFunction, Request, Response } from 'express';

/** A metric reader collected on demand, for tests. */
class TestMetricReader extends MetricReader {
  constructor() {
    super({ aggregationTemporalitySelector: () => AggregationTemporality.CUMULATIVE });
  }
  protected override onForceFlush(): Promise<void> {
    return Promise.resolve();
  }
  protected override onShutdown(): Promise<void> {
    return Promise.resolve();
  }
}

/**
 * Registers an in-memory OpenTelemetry SDK globally (as a platform would register its
 * own), plus a middleware that opens one active span per request, as HTTP
 * instrumentation would.
 */
export function installTestTelemetry() {
  const exporter = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const reader = new TestMetricReader();
  const meterProvider = new MeterProvider({ readers: [reader] });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  trace.setGlobalTracerProvider(tracerProvider);
  metrics.setGlobalMeterProvider(meterProvider);
  const tracer = trace.getTracer('test-http');
  return {
    exporter,
    reader,
    requestSpan: (req: Request, res: Response, next: NextFunction) => {
      tracer.startActiveSpan(`${req.method} ${req.path}`, (span: Span) => {
        res.on('finish', () => span.end());
        next();
      });
    },
    async metricPoints(name: string) {
      const { resourceMetrics } = await reader.collect();
      return resourceMetrics.scopeMetrics
        .flatMap((s) => s.metrics)
        .filter((m) => m.descriptor.name === name)
        .flatMap((m) => m.dataPoints as { attributes: Attributes; value: unknown }[])
        .map((p) => ({
          attributes: p.attributes,
          value: typeof p.value === 'number' ? p.value : Number.NaN,
        }));
    },
    uninstall() {
      trace.disable();
      metrics.disable();
      context.disable();
    },
  };
}
