using System.Management.Automation;
using SwarmPS.Engine.Cluster;
using SwarmPS.Engine.Docker;
using SwarmPS.Engine.Provisioning;

namespace SwarmPS.Infrastructure
{
    /// <summary>Base of the cmdlets that add hosts to a cluster: by name, or as DockerHost, SwarmHost or SwarmNode objects.</summary>
    public abstract class ClusterHostCmdlet : HostInputCmdlet
    {
        private ClusterContext? context;

        /// <summary>The cluster's name; the current cluster when omitted.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(ClusterNameCompleter))]
        public string? Cluster { get; set; }

        /// <summary>The address other nodes reach this host at; by default the address its engine was reached at. Only with a single host.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? AdvertiseAddress { get; set; }

        /// <summary>The cluster, its manager and node list, resolved once for all the hosts of this command.</summary>
        internal ClusterContext ResolveContext()
        {
            return context ??= ClusterCmdlet.OpenContext(this, ClusterCmdlet.LoadCluster(this, Cluster));
        }

        /// <summary>
        /// Tcp (default): the Engine API on port 2376 with mutual TLS, as Enable-DockerTcpSocket left it. Ssh: through
        /// the host's open SSH session (docker system dial-stdio), for hosts with no TCP port open at all. The choice
        /// is saved with the member, so later commands and sessions reach it the same way.
        /// </summary>
        [Parameter]
        [ValidateSet("Tcp", "Ssh", IgnoreCase = true)]
        public string Transport { get; set; } = "Tcp";

        /// <summary>The host's engine over mutual TLS (a cluster member is never reached over a plain connection), or over its SSH session.</summary>
        internal EngineEndpoint EndpointOf(string host) => string.Equals(Transport, "Ssh", System.StringComparison.OrdinalIgnoreCase)
            ? Engines.SshEndpoint(host)
            : Engines.TcpEndpoint(host, RemotePaths.TlsPort, tls: true);

        /// <summary>Refuses -AdvertiseAddress for several hosts, before anything changes: one address cannot belong to them all.</summary>
        internal void ValidateAdvertiseAddress()
        {
            if (AdvertiseAddress != null && Hosts.Count > 1)
            {
                ThrowTerminatingError(ErrorRecords.InvalidArgument("AdvertiseAddressForSeveralHosts",
                    $"-AdvertiseAddress {AdvertiseAddress} was given for {Hosts.Count} hosts ({string.Join(", ", Hosts)}), but each host has its own address. Run the command once per host with its own -AdvertiseAddress.", AdvertiseAddress));
            }
        }
    }
}
