using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Docker.DotNet.Models;
using SwarmPS.Engine.Registry;

namespace SwarmPS.Engine.Docker
{
    /// <summary>
    /// The Engine API operations SwarmPS uses, and nothing else. Every failure of the engine or of the
    /// way to it comes out as a <see cref="SwarmException"/> with the host as target. <see cref="DockerConnection"/>
    /// is the real one; tests put an in-memory swarm behind it.
    /// </summary>
    public interface IDockerEngine
    {
        /// <summary>The host's name as the operator gave it.</summary>
        string Name { get; }

        EngineEndpoint Endpoint { get; }

        Task<SystemInfoResponse> GetInfoAsync(CancellationToken cancellationToken);

        /// <summary>The swarm this engine manages; a SwarmException (NotSwarmManager) when it manages none.</summary>
        Task<SwarmInspectResponse> InspectSwarmAsync(CancellationToken cancellationToken);

        /// <summary>
        /// The swarm this engine last answered for as a manager, kept for the session so later commands need not ask
        /// again (<see cref="Cluster.ClusterContext"/> sets and checks it); null until then.
        /// </summary>
        SwarmInspectResponse? ManagedSwarm { get; set; }

        /// <summary>Initialises a swarm; returns the new node's id.</summary>
        Task<string> InitSwarmAsync(SwarmInitParameters parameters, CancellationToken cancellationToken);

        Task JoinSwarmAsync(SwarmJoinParameters parameters, CancellationToken cancellationToken);

        /// <summary>Leaves the swarm; false when the engine was in none.</summary>
        Task<bool> LeaveSwarmAsync(bool force, CancellationToken cancellationToken);

        /// <summary>Replaces the worker or manager join token; the old one stops working.</summary>
        Task RotateJoinTokenAsync(string role, CancellationToken cancellationToken);

        Task<IList<NodeListResponse>> ListNodesAsync(CancellationToken cancellationToken);

        Task<NodeListResponse> InspectNodeAsync(string nodeId, CancellationToken cancellationToken);

        Task UpdateNodeAsync(string nodeId, ulong version, NodeUpdateParameters spec, CancellationToken cancellationToken);

        Task RemoveNodeAsync(string nodeId, bool force, CancellationToken cancellationToken);

        /// <summary>Services, all or those whose name is exactly <paramref name="name"/>.</summary>
        Task<IList<SwarmService>> ListServicesAsync(string? name, CancellationToken cancellationToken);

        /// <summary>
        /// Creates a service; returns its id. A <paramref name="login"/> goes with it for the nodes' pulls, as
        /// docker service create --with-registry-auth sends it; swarm keeps it and never shows it.
        /// </summary>
        Task<string> CreateServiceAsync(ServiceSpec spec, RegistryLogin? login, CancellationToken cancellationToken);

        /// <summary>The service with its spec, previous spec, version and update status.</summary>
        Task<SwarmService> InspectServiceAsync(string serviceId, CancellationToken cancellationToken);

        /// <summary>
        /// Replaces a service's spec (a rolling update, as the spec's update policy says), or with
        /// <paramref name="rollback"/> goes back to its previous spec. Returns the engine's warnings.
        /// </summary>
        Task<IReadOnlyList<string>> UpdateServiceAsync(string serviceId, ulong version, ServiceSpec spec, bool rollback, RegistryLogin? login, CancellationToken cancellationToken);

        /// <summary>Removes a service; false when it was already gone.</summary>
        Task<bool> RemoveServiceAsync(string serviceId, CancellationToken cancellationToken);

        /// <summary>Tasks of one service (or all), optionally only those meant to run.</summary>
        Task<IList<TaskResponse>> ListTasksAsync(string? serviceId, bool desiredRunning, CancellationToken cancellationToken);

        Task<IList<Secret>> ListSecretsAsync(CancellationToken cancellationToken);

        /// <summary>Creates a secret; returns its id. The value never appears in an error.</summary>
        Task<string> CreateSecretAsync(SwarmSecretSpec spec, CancellationToken cancellationToken);

        /// <summary>Deletes a secret; false when it was already gone.</summary>
        Task<bool> DeleteSecretAsync(string secretId, CancellationToken cancellationToken);

        Task<IList<ContainerListResponse>> ListContainersAsync(bool all, CancellationToken cancellationToken);

        Task RemoveContainerAsync(string containerId, CancellationToken cancellationToken);

        /// <summary>Streams a container's stdout and stderr, a line at a time, until it ends or the token is cancelled.</summary>
        Task StreamContainerLogsAsync(string containerId, LogOptions options, Action<string> onLine, CancellationToken cancellationToken);

        /// <summary>
        /// Streams the stdout and stderr of every task of a service, merged as the manager receives them, a line at a
        /// time until they end or the token is cancelled. Each line carries its task's details before the message, as
        /// docker service logs reads them: <c>com.docker.swarm.node.id=…,com.docker.swarm.service.id=…,com.docker.swarm.task.id=… message</c>,
        /// after the timestamp when <see cref="LogOptions.Timestamps"/> is set. <paramref name="tty"/>: the service's
        /// containers have a terminal, so the stream is not multiplexed.
        /// </summary>
        Task StreamServiceLogsAsync(string serviceId, bool tty, LogOptions options, Action<string> onLine, CancellationToken cancellationToken);

        /// <summary>The image as this engine has it; null when it has no such image.</summary>
        Task<ImageInspectResponse?> InspectImageAsync(string image, CancellationToken cancellationToken);

        Task<IList<ImagesListResponse>> ListImagesAsync(CancellationToken cancellationToken);

        /// <summary>
        /// Asks the image's registry, through this engine, for its manifest (GET /distribution/{image}/json, as docker
        /// service create does to pin the digest). The registry's refusals come back as a verdict, not an exception.
        /// </summary>
        Task<RegistryAnswer> InspectDistributionAsync(string image, RegistryLogin? login, CancellationToken cancellationToken);

        /// <summary>Checks a login with its registry through this engine (POST /auth, as docker login does); a refused one is RegistryAuthFailed.</summary>
        Task AuthenticateAsync(RegistryLogin login, CancellationToken cancellationToken);

        /// <summary>
        /// Loads an image archive as docker load does (POST /images/load), the body streamed from <paramref name="archive"/>
        /// with no request timeout: the engine unpacks the whole archive before it registers any image, so a transfer cut
        /// short loads nothing. Returns the engine's report lines (Loaded image: …, Loaded image ID: …); an error the
        /// engine reports in its stream is ImageLoadFailed.
        /// </summary>
        Task<IReadOnlyList<string>> LoadImageAsync(System.IO.Stream archive, long length, CancellationToken cancellationToken);
        /// <summary>The volumes this engine has (docker volume ls).</summary>
        Task<IList<VolumeResponse>> ListVolumesAsync(CancellationToken cancellationToken);

        /// <summary>Removes a volume (docker volume rm); false when it was already gone. A volume a container holds is refused by the engine.</summary>
        Task<bool> RemoveVolumeAsync(string name, CancellationToken cancellationToken);

        /// <summary>Whether <paramref name="path"/> exists on this engine's host, as a bind mount's source must; nothing is created to find out.</summary>
        Task<bool> HostPathExistsAsync(string path, CancellationToken cancellationToken);
        // Stacks: the networks, configs and volumes docker stack deploy and rm work with.

        Task<IList<NetworkResponse>> ListNetworksAsync(CancellationToken cancellationToken);

        /// <summary>Creates a network; returns its id.</summary>
        Task<string> CreateNetworkAsync(NetworksCreateParameters parameters, CancellationToken cancellationToken);

        /// <summary>Removes a network; false when it was already gone.</summary>
        Task<bool> RemoveNetworkAsync(string networkId, CancellationToken cancellationToken);

        Task<IList<SwarmConfig>> ListConfigsAsync(CancellationToken cancellationToken);

        /// <summary>Creates a config; returns its id.</summary>
        Task<string> CreateConfigAsync(SwarmConfigSpec spec, CancellationToken cancellationToken);

        /// <summary>Removes a config; false when it was already gone.</summary>
        Task<bool> RemoveConfigAsync(string configId, CancellationToken cancellationToken);
    }
}
