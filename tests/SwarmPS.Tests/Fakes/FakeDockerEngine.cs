using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using Docker.DotNet;
using Docker.DotNet.Models;
using SwarmPS.Engine.Docker;
using SwarmPS.Engine.Registry;

namespace SwarmPS.Tests.Fakes
{
    /// <summary>
    /// One host's engine over a <see cref="FakeSwarm"/>. Every call is recorded by name (GetInfo, InitSwarm,
    /// CreateService...), continues on a pool thread so parallel callers really run in parallel, and fails as the real gateway
    /// does: the engine's answer goes through <see cref="DockerFailures"/>, so a non-manager's InspectSwarm is
    /// NotSwarmManager and an unknown id is ObjectNotFound, with the host as target.
    /// </summary>
    public sealed class FakeDockerEngine : IDockerEngine
    {
        private readonly FakeSwarm swarm;
        private readonly List<string> calls = new List<string>();

        internal FakeDockerEngine(FakeSwarm swarm, EngineEndpoint endpoint, IReadOnlyDictionary<string, string> engineLabels)
        {
            this.swarm = swarm;
            Endpoint = endpoint;
            EngineLabels = engineLabels;
        }

        public string Name => Endpoint.Name;

        public SwarmInspectResponse? ManagedSwarm { get; set; }

        public EngineEndpoint Endpoint { get; }

        public IReadOnlyDictionary<string, string> EngineLabels { get; }

        /// <summary>Images this engine has, by reference as docker images shows them (name:tag).</summary>
        public HashSet<string> Images { get; } = new HashSet<string>(StringComparer.Ordinal);

        /// <summary>Log lines by container id, for StreamContainerLogsAsync here and a manager's StreamServiceLogsAsync.</summary>
        public Dictionary<string, IReadOnlyList<string>> Logs { get; } = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);

        /// <summary>Containers started on this host outside the swarm (docker run): only this engine lists them.</summary>
        public List<ContainerListResponse> StandaloneContainers { get; } = new List<ContainerListResponse>();

        public SwarmInitParameters? InitParameters { get; private set; }

        public SwarmJoinParameters? JoinParameters { get; private set; }

        public IReadOnlyList<string> Calls
        {
            get
            {
                lock (calls)
                {
                    return calls.ToList();
                }
            }
        }

        public int CountOf(string operation) => Calls.Count(c => c == operation);

        public Task<SystemInfoResponse> GetInfoAsync(CancellationToken cancellationToken) => Call("DockerApiError", cancellationToken, () =>
        {
            FakeNode? node = swarm.NodeOf(this);
            return new SystemInfoResponse
            {
                Name = Name,
                Labels = EngineLabels.Select(l => $"{l.Key}={l.Value}").ToList(),
                Swarm = new Info { LocalNodeState = node == null ? "inactive" : "active", NodeID = node?.Id ?? string.Empty },
            };
        });

        public Task<SwarmInspectResponse> InspectSwarmAsync(CancellationToken cancellationToken) => Call("SwarmOperationFailed", cancellationToken, () => Manager().Inspect());

        public Task<string> InitSwarmAsync(SwarmInitParameters parameters, CancellationToken cancellationToken) => Call("SwarmOperationFailed", cancellationToken, () =>
        {
            InitParameters = parameters;
            return swarm.InitFrom(this, parameters);
        });

        public async Task JoinSwarmAsync(SwarmJoinParameters parameters, CancellationToken cancellationToken)
        {
            await swarm.ArriveToJoin().ConfigureAwait(false);
            await Call("SwarmOperationFailed", cancellationToken, () =>
            {
                JoinParameters = parameters;
                swarm.JoinFrom(this, parameters);
            }).ConfigureAwait(false);
        }

        public Task<bool> LeaveSwarmAsync(bool force, CancellationToken cancellationToken) => Call("SwarmOperationFailed", cancellationToken, () => swarm.Leave(this));

        public Task RotateJoinTokenAsync(string role, CancellationToken cancellationToken) => Call("SwarmOperationFailed", cancellationToken, () => Manager().RotateToken(role));

        public Task<IList<NodeListResponse>> ListNodesAsync(CancellationToken cancellationToken) => Call("SwarmOperationFailed", cancellationToken, () => Manager().ListNodes());

        public Task<NodeListResponse> InspectNodeAsync(string nodeId, CancellationToken cancellationToken) => Call("NodeNotFound", cancellationToken, () => Manager().InspectNode(nodeId));

        public Task UpdateNodeAsync(string nodeId, ulong version, NodeUpdateParameters spec, CancellationToken cancellationToken) =>
            Call("SwarmOperationFailed", cancellationToken, () => Manager().UpdateNode(nodeId, version, spec));

        public Task RemoveNodeAsync(string nodeId, bool force, CancellationToken cancellationToken) => Call("SwarmOperationFailed", cancellationToken, () => Manager().RemoveNode(nodeId, force));

        public Task<IList<SwarmService>> ListServicesAsync(string? name, CancellationToken cancellationToken) => Call("SwarmOperationFailed", cancellationToken, () => Manager().ListServices(name));

        public Task<string> CreateServiceAsync(ServiceSpec spec, RegistryLogin? login, CancellationToken cancellationToken) => Call("ContainerCreateFailed", cancellationToken, () => Manager().CreateService(spec, login));

        public Task<SwarmService> InspectServiceAsync(string serviceId, CancellationToken cancellationToken) => Call("ContainerNotFound", cancellationToken, () => Manager().InspectService(serviceId));

        public Task<IReadOnlyList<string>> UpdateServiceAsync(string serviceId, ulong version, ServiceSpec spec, bool rollback, RegistryLogin? login, CancellationToken cancellationToken) =>
            Call("ContainerUpdateFailed", cancellationToken, () => { swarm.RecordLogin(login); return Manager().UpdateService(serviceId, version, spec, rollback); });

        public Task<RegistryAnswer> InspectDistributionAsync(string image, RegistryLogin? login, CancellationToken cancellationToken) =>
            Call("ImageResolveFailed", cancellationToken, () => swarm.AskRegistry(image, login));

        /// <summary>Reads the archive to its end, as the engine does before it registers anything; registers nothing.</summary>
        public Task<IReadOnlyList<string>> LoadImageAsync(System.IO.Stream archive, long length, CancellationToken cancellationToken) =>
            Call("ImageLoadFailed", cancellationToken, () =>
            {
                archive.CopyTo(System.IO.Stream.Null);
                return (IReadOnlyList<string>)new List<string>();
            });

        public Task AuthenticateAsync(RegistryLogin login, CancellationToken cancellationToken) =>
            Call("RegistryLoginFailed", cancellationToken, () =>
            {
                if (swarm.AskRegistry(login.Registry + "/", login).Verdict == RegistryVerdict.Unauthorized)
                {
                    throw new SwarmException("RegistryAuthFailed", SwarmErrorKind.SecurityError, $"{login.Registry} refused the login.", login.Registry);
                }

                return true;
            });

        public Task<bool> RemoveServiceAsync(string serviceId, CancellationToken cancellationToken) => Call("ContainerRemoveFailed", cancellationToken, () => Manager().RemoveService(serviceId));

        public Task<IList<TaskResponse>> ListTasksAsync(string? serviceId, bool desiredRunning, CancellationToken cancellationToken) =>
            Call("SwarmOperationFailed", cancellationToken, () => Manager().ListTasks(serviceId, desiredRunning));

        public Task<IList<Secret>> ListSecretsAsync(CancellationToken cancellationToken) => Call("SwarmOperationFailed", cancellationToken, () => Manager().ListSecrets());

        public Task<string> CreateSecretAsync(SwarmSecretSpec spec, CancellationToken cancellationToken) => Call("SecretCreateFailed", cancellationToken, () => Manager().CreateSecret(spec));

        public Task<bool> DeleteSecretAsync(string secretId, CancellationToken cancellationToken) => Call("SecretRemoveFailed", cancellationToken, () => Manager().DeleteSecret(secretId));

        /// <summary>The networks, configs and volumes this engine holds (the manager's for the swarm-wide ones).</summary>
        public List<NetworkResponse> Networks { get; } = new List<NetworkResponse>();

        public List<SwarmConfig> Configs { get; } = new List<SwarmConfig>();


        public Task<IList<NetworkResponse>> ListNetworksAsync(CancellationToken cancellationToken) => Call("SwarmOperationFailed", cancellationToken, () => (IList<NetworkResponse>)Networks.ToList());

        public Task<string> CreateNetworkAsync(NetworksCreateParameters parameters, CancellationToken cancellationToken) => Call("NetworkCreateFailed", cancellationToken, () =>
        {
            var network = new NetworkResponse
            {
                ID = "net" + Networks.Count, Name = parameters.Name, Driver = parameters.Driver, Labels = parameters.Labels, Scope = "swarm",
                Attachable = parameters.Attachable, Internal = parameters.Internal, Options = parameters.Options, IPAM = parameters.IPAM,
            };
            Networks.Add(network);
            return network.ID;
        });

        public Task<bool> RemoveNetworkAsync(string networkId, CancellationToken cancellationToken) => Call("NetworkRemoveFailed", cancellationToken, () => Networks.RemoveAll(n => n.ID == networkId) > 0);

        public Task<IList<SwarmConfig>> ListConfigsAsync(CancellationToken cancellationToken) => Call("SwarmOperationFailed", cancellationToken, () => (IList<SwarmConfig>)Configs.ToList());

        public Task<string> CreateConfigAsync(SwarmConfigSpec spec, CancellationToken cancellationToken) => Call("ConfigCreateFailed", cancellationToken, () =>
        {
            var config = new SwarmConfig { ID = "cfg" + Configs.Count, Spec = spec };
            Configs.Add(config);
            return config.ID;
        });

        public Task<bool> RemoveConfigAsync(string configId, CancellationToken cancellationToken) => Call("ConfigRemoveFailed", cancellationToken, () => Configs.RemoveAll(c => c.ID == configId) > 0);

        public Task<IList<ContainerListResponse>> ListContainersAsync(bool all, CancellationToken cancellationToken) => Call("DockerApiError", cancellationToken, () =>
            (IList<ContainerListResponse>)swarm.ContainersOn(this).Concat(StandaloneContainers.Where(c => all || c.State == "running")).ToList());

        public Task RemoveContainerAsync(string containerId, CancellationToken cancellationToken) => Call("ContainerRemoveFailed", cancellationToken, () =>
        {
            if (StandaloneContainers.RemoveAll(c => c.ID == containerId) == 0)
            {
                swarm.RemoveContainer(containerId);
            }
        });

        public Task StreamContainerLogsAsync(string containerId, LogOptions options, Action<string> onLine, CancellationToken cancellationToken) => Call("ContainerLogFailed", cancellationToken, () =>
        {
            if (!Logs.ContainsKey(containerId))
            {
                throw FakeSwarm.Answer(HttpStatusCode.NotFound, $"No such container: {containerId}");
            }

            foreach (string line in LogOf(containerId, options))
            {
                onLine(options.Timestamps ? $"{FakeSwarm.LogTimestamp} {line}" : line);
            }
        });

        public Task StreamServiceLogsAsync(string serviceId, bool tty, LogOptions options, Action<string> onLine, CancellationToken cancellationToken) => Call("ContainerLogFailed", cancellationToken, () =>
        {
            foreach (string line in Manager().ServiceLogLines(serviceId, options))
            {
                onLine(line);
            }
        });

        public Task<ImageInspectResponse?> InspectImageAsync(string image, CancellationToken cancellationToken) => Call("ImageNotFound", cancellationToken, () =>
        {
            string? tag = Images.Contains(image) ? image : Images.Contains(image + ":latest") ? image + ":latest" : null;
            return tag == null ? null : new ImageInspectResponse { ID = "sha256:" + tag, RepoTags = new List<string> { tag } };
        });

        public Task<IList<ImagesListResponse>> ListImagesAsync(CancellationToken cancellationToken) => Call("DockerApiError", cancellationToken, () =>
            (IList<ImagesListResponse>)Images.Select(i => new ImagesListResponse { ID = "sha256:" + i, RepoTags = new List<string> { i } }).ToList());

        /// <summary>Volumes on this host (docker volume ls); a volume a container here mounts cannot be removed.</summary>
        public List<VolumeResponse> Volumes { get; } = new List<VolumeResponse>();

        /// <summary>Paths that exist on this host, for bind mounts' sources.</summary>
        public HashSet<string> HostPaths { get; } = new HashSet<string>(StringComparer.Ordinal);

        public Task<IList<VolumeResponse>> ListVolumesAsync(CancellationToken cancellationToken) => Call("DockerApiError", cancellationToken, () =>
            (IList<VolumeResponse>)Volumes.ToList());

        public Task<bool> RemoveVolumeAsync(string name, CancellationToken cancellationToken) => Call("VolumeRemoveFailed", cancellationToken, () =>
        {
            if (StandaloneContainers.Concat(swarm.ContainersOn(this)).Any(c => (c.Mounts ?? new List<MountPoint>()).Any(m => m.Type == "volume" && m.Name == name)))
            {
                throw FakeSwarm.Answer(HttpStatusCode.Conflict, $"remove {name}: volume is in use");
            }

            return Volumes.RemoveAll(v => v.Name == name) > 0;
        });

        public Task<bool> HostPathExistsAsync(string path, CancellationToken cancellationToken) => Call("DockerApiError", cancellationToken, () => HostPaths.Contains(path));

        /// <summary>The lines of a container's log here that <paramref name="options"/> ask for (its tail); none for a container without a log.</summary>
        internal IEnumerable<string> LogOf(string containerId, LogOptions options)
        {
            IReadOnlyList<string> lines = Logs.TryGetValue(containerId, out IReadOnlyList<string>? found) ? found : Array.Empty<string>();
            return lines.Skip(options.Tail is int last ? Math.Max(0, lines.Count - last) : 0);
        }

        /// <summary>The swarm, when this engine is one of its managers; else the engine's 503 answer.</summary>
        private FakeSwarm Manager() => swarm.NodeOf(this)?.Role == "manager"
            ? swarm
            : throw FakeSwarm.Answer(HttpStatusCode.ServiceUnavailable, FakeSwarm.NotManagerAnswer);

        private Task Call(string errorId, CancellationToken cancellationToken, Action act, [CallerMemberName] string method = "") =>
            Call(errorId, cancellationToken, () =>
            {
                act();
                return true;
            }, method);

        private async Task<T> Call<T>(string errorId, CancellationToken cancellationToken, Func<T> answer, [CallerMemberName] string method = "")
        {
            string operation = method.EndsWith("Async", StringComparison.Ordinal) ? method[..^"Async".Length] : method;
            lock (calls)
            {
                calls.Add(operation);
            }

            // Answer on a pool thread, never inline nor on the test's context, so parallel callers really run in parallel.
            await Task.CompletedTask.ConfigureAwait(ConfigureAwaitOptions.ForceYielding);
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                return answer();
            }
            catch (DockerApiException refused)
            {
                throw DockerFailures.Translate(refused, Name, Endpoint, operation, errorId);
            }
        }
    }
}
