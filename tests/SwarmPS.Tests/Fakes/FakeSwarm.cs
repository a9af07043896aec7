using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Threading.Tasks;
using Docker.DotNet;
using Docker.DotNet.Models;
using SwarmPS.Engine.Cluster;
using SwarmPS.Engine.Docker;
using SwarmPS.Engine.Registry;
using SwarmPS.Engine.Provisioning;
using TaskStatus = Docker.DotNet.Models.TaskStatus;

namespace SwarmPS.Tests.Fakes
{
    /// <summary>
    /// One swarm in memory: nodes, services, tasks, secrets and join tokens, shared by the hosts'
    /// <see cref="FakeDockerEngine"/>s. It answers as the Engine API does (a refusal is a
    /// <see cref="DockerApiException"/> with the engine's status and text), so the engines translate it with
    /// the real <see cref="DockerFailures"/>. Tasks start running the moment a service is created, on the
    /// first ready nodes that meet its constraints; nothing waits. A task no node can take stays pending with the
    /// error swarmkit's scheduler writes for the two filters the fake knows (readiness and constraints).
    /// </summary>
    public sealed class FakeSwarm
    {
        public const int SwarmPort = 2377;

        /// <summary>The time the fake's log lines carry when timestamps are asked for.</summary>
        public const string LogTimestamp = "2025-03-04T10:15:30.123456789Z";

        internal const string AlreadyInSwarmAnswer = "This node is already part of a swarm. Use \"docker swarm leave\" to leave this swarm and join another one.";

        internal const string NotManagerAnswer = "This node is not a swarm manager. Use \"docker swarm init\" or \"docker swarm join\" to connect this node to swarm and try again.";

        private readonly object gate = new object();
        private readonly List<FakeNode> nodes = new List<FakeNode>();
        private readonly List<SwarmService> services = new List<SwarmService>();
        private readonly List<TaskResponse> tasks = new List<TaskResponse>();
        private List<TaskResponse> staleTasks = new List<TaskResponse>();
        private int staleListings;
        private readonly List<Secret> secrets = new List<Secret>();
        private readonly List<ServiceSpec> createdSpecs = new List<ServiceSpec>();
        private readonly List<ServiceSpec> updatedSpecs = new List<ServiceSpec>();
        private readonly List<RegistryLogin?> sentLogins = new List<RegistryLogin?>();
        private readonly Dictionary<string, int> tokenGeneration = new Dictionary<string, int> { ["worker"] = 1, ["manager"] = 1 };
        private int lastId;
        private DateTime lastTime;
        private TaskCompletionSource? joinGate;
        private int joinsToHold;

        public FakeSwarm(string id = "swarm-a")
        {
            Id = id;
        }

        public string Id { get; }

        public string WorkerToken => Token("worker");

        public string ManagerToken => Token("manager");

        /// <summary>Where the leader listens for joins (address:2377); empty before init.</summary>
        public string LeaderAddress
        {
            get
            {
                lock (gate)
                {
                    FakeNode? leader = nodes.FirstOrDefault(n => n.Leader);
                    return leader == null ? string.Empty : $"{leader.Address}:{SwarmPort}";
                }
            }
        }

        /// <summary>When set, CreateServiceAsync throws it (as the gateway would throw a translated failure).</summary>
        public SwarmException? CreateServiceFailure { get; set; }

        /// <summary>When set, a task placed on a node is rejected there with this error, as an engine without the image rejects it.</summary>
        public string? RejectTasksWith { get; set; }

        public IReadOnlyList<FakeNode> Nodes => Snapshot(nodes);

        public IReadOnlyList<SwarmService> Services => Snapshot(services);

        public IReadOnlyList<Secret> Secrets => Snapshot(secrets);

        /// <summary>Images the registries have, by familiar name:tag, with their digests.</summary>
        public Dictionary<string, string> RegistryImages { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

        /// <summary>Registries (host:port) that want this user:password; others take anyone.</summary>
        public Dictionary<string, string> RegistryPasswords { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

        /// <summary>Registries no engine can reach, such as Docker Hub from the lab.</summary>
        public HashSet<string> UnreachableRegistries { get; } = new HashSet<string>(StringComparer.Ordinal) { ImageReference.DockerHub };

        /// <summary>The logins sent with each service create or update, in order (null when none was sent).</summary>
        public IReadOnlyList<RegistryLogin?> SentLogins => Snapshot(sentLogins);

        /// <summary>Every spec CreateServiceAsync received, as sent.</summary>
        public IReadOnlyList<ServiceSpec> CreatedSpecs => Snapshot(createdSpecs);

        /// <summary>A host whose engine would init or join this swarm.</summary>
        public FakeDockerEngine AddHost(string name, string address, IReadOnlyDictionary<string, string>? engineLabels = null, int port = RemotePaths.TlsPort, bool tls = true) =>
            new FakeDockerEngine(this, EngineEndpoint.Tcp(name, address, port, tls), engineLabels ?? new Dictionary<string, string>());

        /// <summary>The node the engine is now, or null when it is in no swarm.</summary>
        public FakeNode? NodeOf(FakeDockerEngine engine)
        {
            lock (gate)
            {
                return nodes.FirstOrDefault(n => ReferenceEquals(n.Engine, engine) && !n.Left);
            }
        }

        /// <summary>The record SwarmPS would have saved for these members (they must be nodes already).</summary>
        public ClusterRecord RecordOf(string name, params FakeDockerEngine[] members) => new ClusterRecord
        {
            Name = name,
            SwarmId = Id,
            Members = members.Select(m => new ClusterMember
            {
                Name = m.Name,
                Address = m.Endpoint.Address,
                ApiPort = m.Endpoint.Port,
                Tls = m.Endpoint.Tls,
                NodeId = (NodeOf(m) ?? throw new InvalidOperationException($"{m.Name} is not a node of {Id}.")).Id,
            }).ToList(),
        };

        /// <summary>
        /// Holds the next <paramref name="count"/> joins until all of them have arrived, then lets them go on
        /// together: every join is in flight before any of them saves its member.
        /// </summary>
        public void HoldJoinsUntil(int count)
        {
            lock (gate)
            {
                joinsToHold = count;
                joinGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }

        /// <summary>Set-up (not recorded as a call): the engine initialises the swarm and leads it.</summary>
        public FakeNode Initialise(FakeDockerEngine engine, string? advertiseAddress = null)
        {
            lock (gate)
            {
                if (nodes.Count > 0)
                {
                    // One object is one swarm: a second init would be a second swarm, which the fake cannot hold.
                    throw new InvalidOperationException($"The fake swarm {Id} is already initialised; a second init would make a second swarm.");
                }

                return AddNode(engine, "manager", advertiseAddress, leader: true);
            }
        }

        /// <summary>Set-up (not recorded as a call): the engine joins with the given role.</summary>
        public FakeNode Join(FakeDockerEngine engine, string role, string? advertiseAddress = null)
        {
            lock (gate)
            {
                return AddNode(engine, role, advertiseAddress, leader: false);
            }
        }

        /// <summary>Set-up: a service as if created earlier, its tasks running.</summary>
        /// <summary>How many node updates find that swarm changed the node since it was read (update out of sequence).</summary>
        public int NodeUpdatesRacedBySwarm { get; set; }

        /// <summary>The health a health-checked container reports on its node: healthy, unhealthy or health: starting.</summary>
        public string ContainerHealth { get; set; } = "healthy";

        /// <summary>How the next rolling update ends, as swarm's UpdateStatus says: completed (the default), paused or rollback_completed.</summary>
        public string UpdateOutcome { get; set; } = "completed";

        /// <summary>How many task listings after a service update still show the tasks from before it, as a busy orchestrator does.</summary>
        public int OrchestratorLagListings { get; set; }

        /// <summary>The specs sent with updates, in order.</summary>
        public IReadOnlyList<ServiceSpec> UpdatedSpecs => Snapshot(updatedSpecs);

        public SwarmService AddService(ServiceSpec spec)
        {
            lock (gate)
            {
                var service = new SwarmService { ID = NextId("service"), Spec = spec, CreatedAt = Now(), Version = new Docker.DotNet.Models.Version { Index = 1 } };
                services.Add(service);
                StartTasks(service.ID, spec);
                return service;
            }
        }

        /// <summary>
        /// Set-up: the running task of <paramref name="slot"/> ends in <paramref name="endedIn"/> with
        /// <paramref name="error"/>, and swarm starts a new task in its place, as its restart policy does.
        /// </summary>
        public TaskResponse Restart(string serviceId, long slot, TaskState endedIn, string error)
        {
            lock (gate)
            {
                TaskResponse ended = tasks.Single(t => t.ServiceID == serviceId && t.Slot == slot && t.DesiredState == TaskState.Running);
                ended.DesiredState = TaskState.Shutdown;
                ended.Status = new TaskStatus { State = endedIn, Err = error, Timestamp = Now(), ContainerStatus = ended.Status?.ContainerStatus };
                ServiceSpec spec = services.Single(s => s.ID == serviceId).Spec!;
                TaskResponse replacement = StartTask(serviceId, spec, (ulong)slot);
                tasks.Add(replacement);
                return replacement;
            }
        }

        internal SwarmInspectResponse Inspect()
        {
            lock (gate)
            {
                return new SwarmInspectResponse { ID = Id, CreatedAt = DateTime.UtcNow, JoinTokens = new JoinTokens { Worker = Token("worker"), Manager = Token("manager") } };
            }
        }

        internal string InitFrom(FakeDockerEngine engine, SwarmInitParameters parameters)
        {
            lock (gate)
            {
                if (NodeOf(engine) != null)
                {
                    throw Answer(HttpStatusCode.ServiceUnavailable, AlreadyInSwarmAnswer);
                }

                return Initialise(engine, HostOf(parameters.AdvertiseAddr)).Id;
            }
        }

        internal void JoinFrom(FakeDockerEngine engine, SwarmJoinParameters parameters)
        {
            lock (gate)
            {
                if (NodeOf(engine) != null)
                {
                    throw Answer(HttpStatusCode.ServiceUnavailable, AlreadyInSwarmAnswer);
                }

                string? role = tokenGeneration.Keys.FirstOrDefault(r => Token(r) == parameters.JoinToken);
                if (role == null)
                {
                    throw Answer(HttpStatusCode.BadRequest, "rpc error: code = InvalidArgument desc = A valid join token is necessary to join this cluster");
                }

                var managers = nodes.Where(n => n.Role == "manager" && !n.Left).Select(n => $"{n.Address}:{SwarmPort}").ToList();
                if (parameters.RemoteAddrs == null || !parameters.RemoteAddrs.Any(managers.Contains))
                {
                    throw Answer(HttpStatusCode.InternalServerError, $"rpc error: code = Unavailable desc = no manager of this swarm at {string.Join(", ", parameters.RemoteAddrs ?? new List<string>())}");
                }

                AddNode(engine, role, HostOf(parameters.AdvertiseAddr), leader: false);
            }
        }

        internal Task ArriveToJoin()
        {
            lock (gate)
            {
                TaskCompletionSource? held = joinGate;
                if (held != null && --joinsToHold == 0)
                {
                    joinGate = null;
                    held.SetResult();
                }

                // A join that never arrives fails the test instead of hanging it.
                return held?.Task.WaitAsync(TimeSpan.FromSeconds(30)) ?? Task.CompletedTask;
            }
        }

        internal bool Leave(FakeDockerEngine engine)
        {
            lock (gate)
            {
                FakeNode? node = NodeOf(engine);
                if (node == null)
                {
                    return false;
                }

                node.Left = true;
                node.State = "down";
                return true;
            }
        }

        internal void RotateToken(string role)
        {
            lock (gate)
            {
                tokenGeneration[role]++;
            }
        }

        internal IList<NodeListResponse> ListNodes()
        {
            lock (gate)
            {
                return nodes.Select(n => n.ToResponse()).ToList();
            }
        }

        internal NodeListResponse InspectNode(string id)
        {
            lock (gate)
            {
                return Find(id).ToResponse();
            }
        }

        internal void UpdateNode(string id, ulong version, NodeUpdateParameters spec)
        {
            lock (gate)
            {
                FakeNode node = Find(id);
                if (NodeUpdatesRacedBySwarm > 0)
                {
                    // Swarm moved the node on between the read and the update, as it does while registering a new node.
                    NodeUpdatesRacedBySwarm--;
                    node.Version++;
                }

                if (version != node.Version)
                {
                    throw Answer(HttpStatusCode.InternalServerError, "rpc error: code = Unknown desc = update out of sequence");
                }

                node.Role = spec.Role ?? node.Role;
                node.Availability = spec.Availability ?? node.Availability;
                node.Labels = new Dictionary<string, string>(spec.Labels ?? new Dictionary<string, string>(), StringComparer.Ordinal);
                node.Version++;
            }
        }

        internal void RemoveNode(string id, bool force)
        {
            lock (gate)
            {
                FakeNode node = Find(id);
                if (!force && node.State != "down")
                {
                    throw Answer(HttpStatusCode.BadRequest, $"rpc error: code = FailedPrecondition desc = node {id} is not down and can't be removed");
                }

                nodes.Remove(node);
            }
        }

        internal IList<SwarmService> ListServices(string? name)
        {
            lock (gate)
            {
                return services.Where(s => name == null || s.Spec?.Name == name).ToList();
            }
        }

        internal void RecordLogin(RegistryLogin? login)
        {
            lock (gate)
            {
                sentLogins.Add(login);
            }
        }

        /// <summary>What a registry would answer for an image (a reference ending in '/' asks only whether the login is good).</summary>
        internal RegistryAnswer AskRegistry(string image, RegistryLogin? login)
        {
            string registry = image.EndsWith('/') ? image.TrimEnd('/') : ImageReference.Parse(image).Registry;
            if (UnreachableRegistries.Contains(registry))
            {
                return RegistryAnswer.Failed(HttpStatusCode.InternalServerError, $"Get \"https://{registry}/v2/\": dial tcp: connect: connection refused");
            }

            if (RegistryPasswords.TryGetValue(registry, out string? wanted) && (login == null || login.UserName + ":" + login.Password != wanted))
            {
                return login == null
                    ? RegistryAnswer.Failed(HttpStatusCode.InternalServerError, $"Head \"https://{registry}/v2/\": no basic auth credentials")
                    : RegistryAnswer.Failed(HttpStatusCode.Unauthorized, "unauthorized: authentication required");
            }

            if (image.EndsWith('/'))
            {
                return RegistryAnswer.Found("sha256:login");
            }

            ImageReference reference = ImageReference.Parse(image);
            return RegistryImages.TryGetValue(reference.FamiliarTagged, out string? digest)
                ? RegistryAnswer.Found(digest)
                : RegistryAnswer.Failed(HttpStatusCode.NotFound, "manifest unknown: manifest unknown");
        }

        internal string CreateService(ServiceSpec spec, RegistryLogin? login = null)
        {
            lock (gate)
            {
                createdSpecs.Add(spec);
                sentLogins.Add(login);
            }

            if (CreateServiceFailure != null)
            {
                throw CreateServiceFailure;
            }

            if (ListServices(spec.Name).Count > 0)
            {
                throw Answer(HttpStatusCode.Conflict, $"rpc error: code = AlreadyExists desc = name conflicts with an existing object: service {spec.Name} already exists");
            }

            return AddService(spec).ID;
        }

        internal SwarmService InspectService(string id)
        {
            lock (gate)
            {
                return services.FirstOrDefault(s => s.ID == id) ?? throw Answer(HttpStatusCode.NotFound, $"service {id} not found");
            }
        }

        /// <summary>
        /// Takes a new spec (or, for a rollback, the previous one) and replaces the tasks at once; the update
        /// status ends as <see cref="UpdateOutcome"/> says. A stale version is refused, as swarm does.
        /// </summary>
        internal IReadOnlyList<string> UpdateService(string id, ulong version, ServiceSpec spec, bool rollback)
        {
            lock (gate)
            {
                SwarmService service = InspectService(id);
                if (service.Version?.Index != version)
                {
                    throw Answer(HttpStatusCode.InternalServerError, "rpc error: code = Unknown desc = update out of sequence");
                }

                updatedSpecs.Add(spec);
                ServiceSpec running = rollback ? service.PreviousSpec ?? throw Answer(HttpStatusCode.BadRequest, "service has no previous spec") : spec;
                string outcome = rollback ? "rollback_completed" : UpdateOutcome;
                service.PreviousSpec = service.Spec;
                service.Spec = outcome == "rollback_completed" && !rollback ? service.Spec : running;
                service.Version = new Docker.DotNet.Models.Version { Index = version + 1 };
                service.UpdateStatus = new UpdateStatus { State = outcome, StartedAt = DateTime.UtcNow.AddTicks(updatedSpecs.Count), Message = outcome == "paused" ? "update paused due to failure or early termination of task x" : outcome };
                staleListings = OrchestratorLagListings;
                staleTasks = tasks.Where(t => t.ServiceID == id).ToList();
                tasks.RemoveAll(t => t.ServiceID == id);
                StartTasks(service.ID, service.Spec!);

                if (outcome != "completed")
                {
                    tasks.Add(new TaskResponse { ID = NextId("task"), ServiceID = id, Slot = 1, DesiredState = TaskState.Shutdown, Status = new TaskStatus { State = TaskState.Failed, Err = "task: non-zero exit (1): unhealthy container", Timestamp = DateTime.UtcNow } });
                }

                return Array.Empty<string>();
            }
        }

        internal bool RemoveService(string id)
        {
            lock (gate)
            {
                tasks.RemoveAll(t => t.ServiceID == id);
                return services.RemoveAll(s => s.ID == id) > 0;
            }
        }

        internal IList<TaskResponse> ListTasks(string? serviceId, bool desiredRunning)
        {
            lock (gate)
            {
                if (serviceId != null && !services.Any(s => s.ID == serviceId || s.Spec?.Name == serviceId))
                {
                    // The engine resolves the service filter first, so a service that is gone is an error, not an empty list.
                    throw Answer(HttpStatusCode.NotFound, $"service {serviceId} not found");
                }

                IEnumerable<TaskResponse> listed = tasks;
                if (staleListings > 0)
                {
                    // The orchestrator has not yet acted on the last update: the old tasks still run, desired running.
                    staleListings--;
                    listed = staleTasks.Concat(tasks.Where(t => staleTasks.All(s => s.ServiceID != t.ServiceID)));
                }

                return listed.Where(t => (serviceId == null || t.ServiceID == serviceId) && (!desiredRunning || t.DesiredState == TaskState.Running)).ToList();
            }
        }

        internal IList<Secret> ListSecrets()
        {
            lock (gate)
            {
                return secrets.ToList();
            }
        }

        internal string CreateSecret(SwarmSecretSpec spec)
        {
            lock (gate)
            {
                if (secrets.Any(s => s.Spec?.Name == spec.Name))
                {
                    throw Answer(HttpStatusCode.Conflict, $"rpc error: code = AlreadyExists desc = secret {spec.Name} already exists");
                }

                // The API never gives a secret's value back, so the fake does not keep it.
                var secret = new Secret { ID = NextId("secret"), Spec = new SwarmSecretSpec { Name = spec.Name, Labels = spec.Labels } };
                secrets.Add(secret);
                return secret.ID;
            }
        }

        internal bool DeleteSecret(string id)
        {
            lock (gate)
            {
                return secrets.RemoveAll(s => s.ID == id) > 0;
            }
        }

        /// <summary>
        /// A service's log as the manager streams it with details: every task's lines (its tail, for each task), task
        /// by task, each led by its node, service and task ids as the engine writes them, after the timestamp when asked.
        /// </summary>
        internal IReadOnlyList<string> ServiceLogLines(string serviceId, LogOptions options)
        {
            lock (gate)
            {
                SwarmService service = services.FirstOrDefault(s => s.ID == serviceId || s.Spec?.Name == serviceId)
                    ?? throw Answer(HttpStatusCode.NotFound, $"service {serviceId} not found");
                var lines = new List<string>();
                foreach (TaskResponse task in tasks.Where(t => t.ServiceID == service.ID && t.Status?.ContainerStatus?.ContainerID != null))
                {
                    FakeNode? node = nodes.FirstOrDefault(n => n.Id == task.NodeID);
                    string details = $"com.docker.swarm.node.id={task.NodeID},com.docker.swarm.service.id={service.ID},com.docker.swarm.task.id={task.ID}";
                    foreach (string line in node?.Engine.LogOf(task.Status!.ContainerStatus!.ContainerID, options) ?? Enumerable.Empty<string>())
                    {
                        lines.Add(options.Timestamps ? $"{LogTimestamp} {details} {line}" : $"{details} {line}");
                    }
                }

                return lines;
            }
        }

        /// <summary>The containers of running tasks on the engine's node, as docker ps lists them there.</summary>
        internal IList<ContainerListResponse> ContainersOn(FakeDockerEngine engine)
        {
            lock (gate)
            {
                FakeNode? node = NodeOf(engine);
                return tasks.Where(t => node != null && t.NodeID == node.Id && t.Status?.State == TaskState.Running).Select(t =>
                {
                    string service = services.First(s => s.ID == t.ServiceID).Spec?.Name ?? string.Empty;
                    return new ContainerListResponse
                    {
                        ID = t.Status!.ContainerStatus!.ContainerID,
                        Names = new List<string> { $"/{service}.{t.Slot}.{t.ID}" },
                        Image = t.Spec?.ContainerSpec?.Image ?? string.Empty,
                        State = "running",
                        // Like docker ps: a health-checked container shows its health after the uptime.
                        Status = t.Spec?.ContainerSpec?.Healthcheck?.Test is { Count: > 0 } test && test[0] != "NONE" ? $"Up ({ContainerHealth})" : "Up",
                        Labels = new Dictionary<string, string> { ["com.docker.swarm.service.name"] = service, ["com.docker.swarm.service.id"] = t.ServiceID ?? string.Empty, ["com.docker.swarm.task.id"] = t.ID },
                        Mounts = (t.Spec?.ContainerSpec?.Mounts ?? new List<Mount>())
                            .Select(m => new MountPoint { Type = m.Type, Name = m.Type == "volume" ? m.Source : null, Source = m.Source, Destination = m.Target, RW = m.ReadOnly != true })
                            .ToList(),
                    };
                }).ToList();
            }
        }

        internal void RemoveContainer(string containerId)
        {
            lock (gate)
            {
                if (tasks.RemoveAll(t => t.Status?.ContainerStatus?.ContainerID == containerId) == 0)
                {
                    throw Answer(HttpStatusCode.NotFound, $"No such container: {containerId}");
                }
            }
        }

        internal static DockerApiException Answer(HttpStatusCode status, string body) => new DockerApiException(status, body);

        private FakeNode AddNode(FakeDockerEngine engine, string role, string? advertiseAddress, bool leader)
        {
            var node = new FakeNode(NextId("node"), engine, advertiseAddress ?? engine.Endpoint.Address, role, leader);
            nodes.Add(node);
            return node;
        }

        /// <summary>The tasks swarm's orchestrator starts: one per replica slot, or for a global service one (slot 0) on each eligible node.</summary>
        private void StartTasks(string serviceId, ServiceSpec spec)
        {
            if (spec.Mode?.Global != null)
            {
                IList<string> constraints = spec.TaskTemplate?.Placement?.Constraints ?? new List<string>();
                foreach (FakeNode node in nodes.Where(n => n.State == "ready" && n.Availability == "active" && constraints.All(c => Satisfies(n, c))))
                {
                    tasks.Add(StartTask(serviceId, spec, 0, node));
                }

                return;
            }

            ulong replicas = spec.Mode?.Replicated?.Replicas ?? 1;
            for (ulong slot = 1; slot <= replicas; slot++)
            {
                tasks.Add(StartTask(serviceId, spec, slot));
            }
        }

        private TaskResponse StartTask(string serviceId, ServiceSpec spec, ulong slot, FakeNode? on = null)
        {
            IList<string> constraints = spec.TaskTemplate?.Placement?.Constraints ?? new List<string>();
            List<FakeNode> available = nodes.Where(n => n.State == "ready" && n.Availability == "active").ToList();
            List<FakeNode> eligible = available.Where(n => constraints.All(c => Satisfies(n, c))).ToList();
            FakeNode? node = on ?? (eligible.Count == 0 ? null : eligible[(int)((slot - 1) % (ulong)eligible.Count)]);
            string taskId = NextId("task");
            DateTime now = Now();
            return new TaskResponse
            {
                ID = taskId,
                ServiceID = serviceId,
                NodeID = node?.Id,
                Slot = (long)slot,
                DesiredState = TaskState.Running,
                CreatedAt = now,
                Spec = spec.TaskTemplate,
                Status = node == null
                    ? new TaskStatus { State = TaskState.Pending, Timestamp = now, Message = "pending task scheduling", Err = NoSuitableNode(nodes.Count - available.Count, available.Count - eligible.Count) }
                    : RejectTasksWith != null
                    ? new TaskStatus { State = TaskState.Rejected, Timestamp = now, Message = "preparing", Err = RejectTasksWith }
                    : new TaskStatus
                    {
                        State = TaskState.Running,
                        Timestamp = now,
                        Message = "started",
                        ContainerStatus = new ContainerStatus { ContainerID = "ctr-" + taskId },
                        PortStatus = new PortStatus { Ports = spec.EndpointSpec?.Ports?.ToList() ?? new List<PortConfig>() },
                    },
            };
        }

        /// <summary>
        /// The error swarmkit's scheduler gives a task no node passes (manager/scheduler: noSuitableNode, Pipeline.Explain,
        /// and the filters' Explain texts), for its ReadyFilter and ConstraintFilter: the most frequent failure first.
        /// </summary>
        private static string NoSuitableNode(int notAvailable, int unmatched)
        {
            var failures = new List<(int Count, string Text)>
            {
                (notAvailable, notAvailable == 1 ? "1 node not available for new tasks" : $"{notAvailable} nodes not available for new tasks"),
                (unmatched, unmatched == 1 ? "scheduling constraints not satisfied on 1 node" : $"scheduling constraints not satisfied on {unmatched} nodes"),
            };
            string explanation = string.Join("; ", failures.Where(f => f.Count > 0).OrderByDescending(f => f.Count).Select(f => f.Text));
            return explanation.Length == 0 ? "no suitable node" : $"no suitable node ({explanation})";
        }

        /// <summary>A clock that never gives the same time twice, so the newest task is always known.</summary>
        private DateTime Now()
        {
            lock (gate)
            {
                DateTime now = DateTime.UtcNow;
                lastTime = now > lastTime ? now : lastTime.AddMilliseconds(1);
                return lastTime;
            }
        }

        /// <summary>Swarm's own reading of a constraint in swarm syntax (values compared ignoring case).</summary>
        private static bool Satisfies(FakeNode node, string constraint)
        {
            bool equal = constraint.Contains("==", StringComparison.Ordinal);
            string[] parts = constraint.Split(equal ? "==" : "!=", 2);
            string field = parts[0].Trim();
            string? actual = field switch
            {
                "node.id" => node.Id,
                "node.hostname" => node.Hostname,
                "node.role" => node.Role,
                "node.platform.os" => FakeNode.Os,
                "node.platform.arch" => FakeNode.Arch,
                _ when field.StartsWith("node.labels.", StringComparison.Ordinal) => node.Labels.GetValueOrDefault(field["node.labels.".Length..]),
                _ when field.StartsWith("engine.labels.", StringComparison.Ordinal) => node.Engine.EngineLabels.GetValueOrDefault(field["engine.labels.".Length..]),
                _ => throw new NotSupportedException($"The fake swarm does not know the constraint field '{field}'."),
            };
            bool same = string.Equals(actual, parts[1].Trim(), StringComparison.OrdinalIgnoreCase);
            return equal ? same : !same;
        }

        private FakeNode Find(string id) => nodes.FirstOrDefault(n => n.Id == id)
            ?? throw Answer(HttpStatusCode.NotFound, $"node {id} not found");

        private string Token(string role)
        {
            lock (gate)
            {
                return $"SWMTKN-1-{Id}-{role}-{tokenGeneration[role]}";
            }
        }

        private string NextId(string kind)
        {
            lock (gate)
            {
                // Unique across fake swarms, as real ids are.
                return $"{Id}-{kind}-{++lastId}";
            }
        }

        private static string? HostOf(string? address)
        {
            if (string.IsNullOrEmpty(address))
            {
                return null;
            }

            int colon = address.LastIndexOf(':');
            return colon > 0 ? address.Substring(0, colon) : address;
        }

        private IReadOnlyList<T> Snapshot<T>(List<T> items)
        {
            lock (gate)
            {
                return items.ToList();
            }
        }
    }

    /// <summary>One node of a <see cref="FakeSwarm"/>; what the managers' node list shows is made from it on each read.</summary>
    public sealed class FakeNode
    {
        internal const string Os = "linux";
        internal const string Arch = "x86_64";

        internal FakeNode(string id, FakeDockerEngine engine, string address, string role, bool leader)
        {
            Id = id;
            Engine = engine;
            Address = address;
            Role = role;
            Leader = leader;
        }

        public string Id { get; }

        public FakeDockerEngine Engine { get; }

        public string Hostname => Engine.Name;

        public string Address { get; }

        public string Role { get; internal set; }

        public bool Leader { get; }

        public string Availability { get; internal set; } = "active";

        public string State { get; internal set; } = "ready";

        /// <summary>Node labels; tests may set them as Set-SwarmNode would have.</summary>
        public Dictionary<string, string> Labels { get; set; } = new Dictionary<string, string>(StringComparer.Ordinal);

        public ulong Version { get; internal set; } = 1;

        internal bool Left { get; set; }

        internal NodeListResponse ToResponse() => new NodeListResponse
        {
            ID = Id,
            Version = new global::Docker.DotNet.Models.Version { Index = Version },
            Spec = new NodeUpdateParameters { Role = Role, Availability = Availability, Labels = new Dictionary<string, string>(Labels, StringComparer.Ordinal) },
            Description = new NodeDescription
            {
                Hostname = Hostname,
                Platform = new SwarmPlatform { OS = Os, Architecture = Arch },
                Engine = new EngineDescription { EngineVersion = "27.5.1", Labels = new Dictionary<string, string>(Engine.EngineLabels, StringComparer.Ordinal) },
            },
            Status = new NodeStatus { State = State, Addr = Address },
            ManagerStatus = Role == "manager" ? new ManagerStatus { Leader = Leader, Reachability = "reachable", Addr = $"{Address}:{FakeSwarm.SwarmPort}" } : null,
        };
    }
}
