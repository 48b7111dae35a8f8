package dev.schedulerx.server.gateway;

import com.alibaba.schedulerx.protocol.Common.UpstreamData;
import com.alibaba.schedulerx.protocol.Server.ServerKillJobInstanceRequest;
import com.alibaba.schedulerx.protocol.Server.ServerKillJobInstanceResponse;
import com.alibaba.schedulerx.protocol.Server.ServerSubmitJobInstanceRequest;
import com.alibaba.schedulerx.protocol.Server.ServerSubmitJobInstanceResponse;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.schedulerx.job.ExecuteMode;
import dev.schedulerx.protocol.ActorPaths;
import dev.schedulerx.protocol.Batch;
import dev.schedulerx.protocol.Resume;
import dev.schedulerx.protocol.WorkerAddress;
import dev.schedulerx.server.store.JobDefinition;
import dev.schedulerx.server.store.JobInstance;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.ActorSelection;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.pattern.Patterns;

/** Sends the server's requests to workers (submit, kill) and turns their replies into outcomes. */
public final class WorkerGateway {
  /** What a worker said to a request; {@code accepted} false carries the worker's message. */
  public record Outcome(boolean accepted, String message) {}

  /**
   * What a workflow node's submit carries besides the job: the workflow and workflow-instance ids and one
   * (parent job name, parent result) pair per direct parent (wire fields 30, 22 and 16), and the node's own
   * parameters when its DAG entry overrides the job's ({@code nodeParameters}, null for the job's).
   */
  public record WorkflowPayload(long workflowId, long wfInstanceId, List<Upstream> upstream, String nodeParameters) {
    public WorkflowPayload {
      upstream = List.copyOf(upstream);
    }

    public WorkflowPayload(long workflowId, long wfInstanceId, List<Upstream> upstream) {
      this(workflowId, wfInstanceId, upstream, null);
    }
  }

  /** One parent's result; both fields are required on the wire, so null becomes "". */
  public record Upstream(String jobName, String data) {
    public Upstream {
      jobName = jobName == null ? "" : jobName;
      data = data == null ? "" : data;
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();
  /** Modes an official worker runs with a map task master, which needs the job's map settings (xattrs) set. */

  private static final int MAX_SELECTIONS = 1024;

  private final ActorSystem system;
  private final Duration timeout;
  private final Map<WorkerAddress, ActorSelection> selections = new ConcurrentHashMap<>();
  /** Batched submits per worker (see {@link #submitAll}); a lane of a worker that left stays empty and small. */
  private final Map<WorkerAddress, BatchLane> lanes = new ConcurrentHashMap<>();

  public WorkerGateway(ActorSystem system, Duration timeout) {
    this.system = system;
    this.timeout = timeout;
  }

  /** Asks {@code master} to run {@code instance}; {@code workers} is the group the master may use. */
  public CompletionStage<Outcome> submit(
      WorkerAddress master, JobDefinition job, JobInstance instance, List<WorkerAddress> workers, long appGroupId) {
    return submit(master, job, instance, workers, appGroupId, null);
  }

  /** As {@link #submit(WorkerAddress, JobDefinition, JobInstance, List, long)} for a workflow node (null: none). */
  public CompletionStage<Outcome> submit(WorkerAddress master, JobDefinition job, JobInstance instance,
      List<WorkerAddress> workers, long appGroupId, WorkflowPayload workflow) {
    ServerSubmitJobInstanceRequest request = submitRequest(job, instance, workers, appGroupId, workflow);
    // An explicit executor: Scala's futures run even thenApply asynchronously, by default on a new thread each.
    return Patterns.ask(jobInstanceActor(master), request, timeout)
        .thenApplyAsync(
            reply -> {
              if (reply instanceof ServerSubmitJobInstanceResponse r) {
                return new Outcome(r.getSuccess(), r.getMessage());
              }
              return new Outcome(false, "unexpected reply " + reply.getClass().getSimpleName());
            },
            system.dispatcher());
  }

  /** One instance of a batched submit: see {@link #submitAll}. */
  public record BatchItem(JobDefinition job, JobInstance instance, List<WorkerAddress> workers, long appGroupId,
      WorkflowPayload workflow) {}

  /**
   * Asks {@code master} (one of our daemons: see {@link WorkerCapabilities#batchSubmit}) to run all of {@code items},
   * many per message; answers one outcome per item, in their order, each completing exceptionally when its message
   * got no answer within the submit timeout, as a single submit would. At most {@value #BATCHES_IN_FLIGHT} messages
   * to a worker are unanswered at a time (over all calls): the worker works through a batch before the next waits in
   * its mailbox, so no submit waits there behind hundreds of others and times out.
   */
  public List<CompletableFuture<Outcome>> submitAll(WorkerAddress master, List<BatchItem> items) {
    List<CompletableFuture<Outcome>> answers = new ArrayList<>(items.size());
    List<BatchMessage> messages = new ArrayList<>();
    BatchMessage current = null;
    for (BatchItem item : items) {
      ServerSubmitJobInstanceRequest submit =
          submitRequest(item.job(), item.instance(), item.workers(), item.appGroupId(), item.workflow());
      int size = submit.getSerializedSize() + 8;
      if (current == null || current.bytes + size > MAX_BATCH_BYTES || current.ids.size() >= MAX_BATCH_SUBMITS) {
        current = new BatchMessage();
        messages.add(current);
      }
      CompletableFuture<Outcome> answer = new CompletableFuture<>();
      current.request.addSubmits(submit);
      current.ids.add(item.instance().id());
      current.answers.add(answer);
      current.bytes += size;
      answers.add(answer);
    }
    if (lanes.size() >= MAX_SELECTIONS) {
      lanes.values().removeIf(l -> l.waiting.isEmpty() && l.inFlight.get() == 0); // workers come and go with new ports
    }
    BatchLane lane = lanes.computeIfAbsent(master, m -> new BatchLane());
    lane.waiting.addAll(messages);
    pump(master, lane);
    return answers;
  }

  /** One message of a batched submit, while it is put together and until it is sent. */
  private static final class BatchMessage {
    final Batch.ServerSubmitJobInstancesRequest.Builder request = Batch.ServerSubmitJobInstancesRequest.newBuilder();
    final List<Long> ids = new ArrayList<>();
    final List<CompletableFuture<Outcome>> answers = new ArrayList<>();
    int bytes;
  }

  /** The batch messages to one worker: those not sent yet, and how many are sent and unanswered. */
  private static final class BatchLane {
    final Queue<BatchMessage> waiting = new ConcurrentLinkedQueue<>();
    final AtomicInteger inFlight = new AtomicInteger();
  }

  /** Sends waiting messages of the lane while fewer than {@value #BATCHES_IN_FLIGHT} are unanswered. */
  private void pump(WorkerAddress master, BatchLane lane) {
    while (!lane.waiting.isEmpty()) {
      int sent = lane.inFlight.get();
      if (sent >= BATCHES_IN_FLIGHT) {
        return; // an answer pumps again
      }
      if (!lane.inFlight.compareAndSet(sent, sent + 1)) {
        continue;
      }
      BatchMessage message = lane.waiting.poll();
      if (message == null) {
        lane.inFlight.decrementAndGet();
        continue;
      }
      Patterns.ask(jobInstanceActor(master), message.request.build(), timeout).whenCompleteAsync((reply, failure) -> {
        lane.inFlight.decrementAndGet();
        pump(master, lane);
        answered(message, reply, failure);
      }, system.dispatcher());
    }
  }

  private static void answered(BatchMessage message, Object reply, Throwable failure) {
    if (failure != null) {
      message.answers.forEach(a -> a.completeExceptionally(failure));
      return;
    }
    if (!(reply instanceof Batch.ServerSubmitJobInstancesResponse r)) {
      Outcome refused = new Outcome(false, "unexpected reply " + reply.getClass().getSimpleName());
      message.answers.forEach(a -> a.complete(refused));
      return;
    }
    Map<Long, Outcome> byInstance = new HashMap<>();
    for (Batch.SubmitOutcome o : r.getOutcomesList()) {
      byInstance.put(o.getJobInstanceId(), new Outcome(o.getSuccess(), o.getMessage()));
    }
    Outcome missing = new Outcome(false, "the worker's answer to the batch did not name this instance");
    for (int i = 0; i < message.ids.size(); i++) {
      message.answers.get(i).complete(byInstance.getOrDefault(message.ids.get(i), missing));
    }
  }

  /** Batch messages to one worker unanswered at a time at most (see {@link #submitAll}). */
  static final int BATCHES_IN_FLIGHT = 2;

  /**
   * Serialized submits per batch message at most: Pekko classic remoting drops frames above its maximum frame size
   * (128,000 bytes by default).
   */
  static final int MAX_BATCH_BYTES = 96_000;
  /** Submits per batch message at most: the worker starts the first ones while later messages are on the way. */
  static final int MAX_BATCH_SUBMITS = 128;

  /**
   * Asks {@code master} to carry a running instance on at {@code epoch} from its predecessors' log (our daemons
   * only: an official worker does not answer, which reads as a refusal after the timeout).
   */
  public CompletionStage<Outcome> resume(WorkerAddress master, JobDefinition job, JobInstance instance, List<WorkerAddress> workers,
      long appGroupId, WorkflowPayload workflow, int epoch, String previousMaster, String reason) {
    Resume.ServerResumeJobInstanceRequest request = Resume.ServerResumeJobInstanceRequest.newBuilder()
        .setSubmit(submitRequest(job, instance, workers, appGroupId, workflow).toByteString())
        .setEpoch(epoch)
        .setPreviousMaster(previousMaster)
        .setReason(reason)
        .build();
    return Patterns.ask(jobInstanceActor(master), request, timeout)
        .thenApplyAsync(
            reply -> reply instanceof ServerSubmitJobInstanceResponse r
                ? new Outcome(r.getSuccess(), r.getMessage())
                : new Outcome(false, "unexpected reply " + reply.getClass().getSimpleName()),
            system.dispatcher());
  }

  /** Asks the instance's master to kill it. */
  public CompletionStage<Outcome> kill(WorkerAddress master, JobDefinition job, JobInstance instance) {
    ServerKillJobInstanceRequest request =
        ServerKillJobInstanceRequest.newBuilder()
            .setJobId(job.id())
            .setJobInstanceId(instance.id())
            .setUser("schedulerx")
            .setJobType(job.jobType())
            .setContent(content(job))
            .setExecuteMode(job.executeMode())
            .build();
    return Patterns.ask(jobInstanceActor(master), request, timeout)
        .thenApply(
            reply ->
                reply instanceof ServerKillJobInstanceResponse r
                    ? new Outcome(true, r.getMessage())
                    : new Outcome(false, "unexpected reply " + reply.getClass().getSimpleName()));
  }

  /** The worker's job-instance actor; selections are kept, since parsing the path was a visible part of a submit. */
  private ActorSelection jobInstanceActor(WorkerAddress worker) {
    ActorSelection known = selections.get(worker);
    if (known != null) {
      return known;
    }
    if (selections.size() >= MAX_SELECTIONS) {
      selections.clear(); // workers come and go with new ports: start over rather than grow
    }
    ActorSelection selection =
        system.actorSelection(ActorPaths.onWorker(ActorPaths.schemeOf(system), worker, ActorPaths.WORKER_JOB_INSTANCE));
    selections.put(worker, selection);
    return selection;
  }

  static ServerSubmitJobInstanceRequest submitRequest(
      JobDefinition job, JobInstance instance, List<WorkerAddress> workers, long appGroupId) {
    return submitRequest(job, instance, workers, appGroupId, null);
  }

  static ServerSubmitJobInstanceRequest submitRequest(
      JobDefinition job, JobInstance instance, List<WorkerAddress> workers, long appGroupId, WorkflowPayload workflow) {
    long scheduleMillis = instance.scheduleTime().toEpochMilli();
    ServerSubmitJobInstanceRequest.Builder b =
        ServerSubmitJobInstanceRequest.newBuilder()
            .setJobId(job.id())
            .setJobInstanceId(instance.id())
            .setScheduleTime(scheduleMillis)
            .setDataTime(scheduleMillis)
            .setJobType(job.jobType())
            .setExecuteMode(job.executeMode())
            .setContent(content(job))
            .setUser("schedulerx")
            .setJobConcurrency(job.maxConcurrency())
            .setRegionId(0)
            .setAppGroupId(appGroupId)
            .setGroupId(job.groupId())
            .setJobName(job.name())
            .setTimeType(job.timeType().value())
            // The official worker copies this into every start request and refuses null.
            .setTimeExpression(job.timeExpression() == null ? "" : job.timeExpression())
            .setMaxAttempt(job.maxAttempt())
            .setAttempt(instance.attempt())
            .setParameters(nullToEmpty(job.parameters()))
            .setInstanceParameters(nullToEmpty(instance.instanceParameters()));
    String xattrs = xattrs(job);
    if (!xattrs.isEmpty()) {
      b.setXattrs(xattrs);
    }
    workers.forEach(w -> b.addWorkers(w.toString()));
    if (workflow != null) {
      b.setWorkflowId(workflow.workflowId()).setWfInstanceId(workflow.wfInstanceId());
      if (workflow.nodeParameters() != null) {
        b.setParameters(workflow.nodeParameters());
      }
      for (Upstream up : workflow.upstream()) {
        b.addUpstreamData(UpstreamData.newBuilder().setJobName(up.jobName()).setData(up.data()));
      }
    }
    return b.build();
  }

  /**
   * The job's extra attributes as SchedulerX sends them: sub-task retries ({@code taskMaxAttempt}, {@code
   * taskAttemptInterval} in seconds) and, for map modes, {@code taskDispatchMode: push}, without which Go
   * workers dispatch nothing. Keys the user set in the job's own xattrs win.
   */
  static String xattrs(JobDefinition job) {
    ObjectNode attrs = JSON.createObjectNode();
    if (ExecuteMode.hasTaskMaster(job.executeMode())) {
      attrs.put("taskDispatchMode", "push");
    }
    if (job.taskMaxAttempt() > 0) {
      attrs.put("taskMaxAttempt", job.taskMaxAttempt());
      attrs.put("taskAttemptInterval", job.taskAttemptIntervalSeconds());
    }
    if (job.xattrs() != null && !job.xattrs().isBlank()) {
      try {
        if (JSON.readTree(job.xattrs()) instanceof ObjectNode own) {
          attrs.setAll(own);
        }
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        throw new IllegalArgumentException("xattrs of job " + job.name() + " is not a JSON object: " + job.xattrs());
      }
    }
    // The official worker reads a script job's xattrs as ScriptJobXAttrs (command, arch) and fails on none.
    return attrs.isEmpty() && job.isJava() ? "" : attrs.toString();
  }

  /**
   * What SchedulerX puts in {@code content}: the processor locator for java jobs; the script, or the HTTP request
   * JSON, for the other types.
   */
  static String content(JobDefinition job) {
    if (!job.isJava()) {
      return job.content();
    }
    // Built by hand (once per submit): a full ObjectMapper write was a visible share of a submit's cost.
    return "{\"className\":\"" + new String(JsonStringEncoder.getInstance().quoteAsString(job.processor())) + "\"}";
  }

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }
}
