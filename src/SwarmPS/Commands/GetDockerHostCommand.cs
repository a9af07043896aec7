using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using SwarmPS.Engine.Docker;
using SwarmPS.Engine.Provisioning;
using SwarmPS.Infrastructure;

namespace SwarmPS.Commands
{
    /// <summary>
    /// <para type="synopsis">Shows the essentials of docker info for hosts whose Engine API SwarmPS can reach.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "DockerHost", DefaultParameterSetName = NameSet)]
    [OutputType(typeof(DockerHost))]
    public sealed class GetDockerHostCommand : SwarmCmdlet
    {
        private const string NameSet = "HostName";
        private const string ObjectSet = "InputObject";

        private readonly List<string> names = new List<string>();

        /// <summary>Host names; wildcards match the engines known in this session. All known engines when omitted.</summary>
        [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true, ParameterSetName = NameSet)]
        [Alias("ComputerName", "Name")]
        [SupportsWildcards]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(HostNameCompleter))]
        public string[]? HostName { get; set; }

        /// <summary>Hosts as Connect-SwarmHost or Enable-DockerTcpSocket return them.</summary>
        [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = ObjectSet)]
        public PSObject[] InputObject { get; set; } = Array.Empty<PSObject>();

        /// <summary>The Engine API port of hosts not yet known in this session: 2376 (mutual TLS), or 2375 with -Insecure.</summary>
        [Parameter]
        [ValidateRange(1, 65535)]
        public int? ApiPort { get; set; }

        /// <summary>Reach hosts not yet known in this session over plain TCP (port 2375 unless -ApiPort), as -Insecure exposed them.</summary>
        [Parameter]
        public SwitchParameter Insecure { get; set; }

        /// <summary>
        /// Tcp (default): the Engine API's TCP port. Ssh: through the host's open SSH session (docker system
        /// dial-stdio), for an engine with no TCP port open at all.
        /// </summary>
        [Parameter]
        [ValidateSet("Tcp", "Ssh", IgnoreCase = true)]
        public string Transport { get; set; } = "Tcp";

        /// <summary>How many hosts are asked at once.</summary>
        [Parameter]
        [ValidateRange(1, 64)]
        public int ThrottleLimit { get; set; } = HostFanOut.DefaultThrottleLimit;

        protected override void ProcessRecord()
        {
            if (ParameterSetName == ObjectSet)
            {
                names.AddRange(HostInputs.Resolve(this, InputObject).Select(input => input.Name));
                return;
            }

            IEnumerable<string> known = Sessions.Engines.Select(e => e.Name).Distinct(StringComparer.OrdinalIgnoreCase);
            if (HostName == null)
            {
                names.AddRange(known);
                return;
            }

            foreach (string name in HostName)
            {
                if (WildcardPattern.ContainsWildcardCharacters(name))
                {
                    var pattern = new WildcardPattern(name, WildcardOptions.IgnoreCase);
                    names.AddRange(known.Where(pattern.IsMatch));
                }
                else
                {
                    names.Add(name);
                }
            }
        }

        protected override void EndProcessing()
        {
            bool endpointGiven = MyInvocation.BoundParameters.ContainsKey(nameof(ApiPort)) || Insecure.IsPresent || MyInvocation.BoundParameters.ContainsKey(nameof(Transport));
            RunAsync(channel => HostFanOut.RunAsync(
                channel,
                names.Distinct(StringComparer.OrdinalIgnoreCase).ToList(),
                name => name,
                "Reading docker info",
                ThrottleLimit,
                async (name, reporter, token) =>
                {
                    // A host this session already reaches is read the same way, unless the command says how.
                    DockerConnection? open = endpointGiven ? null : Sessions.FindEngines(name).FirstOrDefault();
                    DockerConnection connection = open ?? await Engines.OpenAsync(EndpointOf(name), reporter, token).ConfigureAwait(false);
                    reporter.Verbose($"Reading docker info from {connection.Uri}.");
                    return await connection.DescribeAsync(false, token).ConfigureAwait(false);
                },
                StopToken));
        }

        /// <summary>Where to reach a host: over its SSH session, or on the Engine API port as Enable-DockerTcpSocket left it (TLS unless -Insecure).</summary>
        private EngineEndpoint EndpointOf(string name)
        {
            if (string.Equals(Transport, "Ssh", StringComparison.OrdinalIgnoreCase))
            {
                return Engines.SshEndpoint(name);
            }

            int port = ApiPort ?? (Insecure.IsPresent ? RemotePaths.InsecurePort : RemotePaths.TlsPort);
            return Engines.TcpEndpoint(name, port, tls: !Insecure.IsPresent);
        }
    }
}
