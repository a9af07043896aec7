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
                names.AddRange(InputObject.Select(NameOf));
                return;
            }

            if (HostName == null)
            {
                names.AddRange(Sessions.Engines.Select(e => e.Name));
                return;
            }

            foreach (string name in HostName)
            {
                if (WildcardPattern.ContainsWildcardCharacters(name))
                {
                    var pattern = new WildcardPattern(name, WildcardOptions.IgnoreCase);
                    names.AddRange(Sessions.Engines.Where(e => pattern.IsMatch(e.Name)).Select(e => e.Name));
                }
                else
                {
                    names.Add(name);
                }
            }
        }

        protected override void EndProcessing()
        {
            RunAsync(channel => HostFanOut.RunAsync(
                channel,
                names.Distinct(StringComparer.OrdinalIgnoreCase).ToList(),
                name => name,
                "Reading docker info",
                ThrottleLimit,
                async (name, reporter, token) =>
                {
                    if (string.Equals(Transport, "Ssh", StringComparison.OrdinalIgnoreCase))
                    {
                        return await OverSshAsync(name, reporter, token).ConfigureAwait(false);
                    }

                    // Not seen in this session: reach it as Enable-DockerTcpSocket left it, with the SwarmPS CA (or plain with -Insecure).
                    int port = ApiPort ?? (Insecure.IsPresent ? RemotePaths.InsecurePort : RemotePaths.TlsPort);
                    DockerConnection connection = await HostInputs.EngineAsync(Sessions, name, Insecure.IsPresent ? null : Identity, port, reporter, token).ConfigureAwait(false);

                    reporter.Verbose($"Reading docker info from {connection.Endpoint}.");
                    return await connection.DescribeAsync(false, token).ConfigureAwait(false);
                },
                StopToken));
        }

        /// <summary>Reads docker info over the host's SSH session; the connection is not kept, since it is not the engine's TCP endpoint.</summary>
        private async System.Threading.Tasks.Task<object?> OverSshAsync(string name, IOperationReporter reporter, System.Threading.CancellationToken token)
        {
            Engine.Ssh.HostSession session = Sessions.FindHost(name)
                ?? throw new SwarmException("HostNotConnected", SwarmErrorKind.ObjectNotFound,
                    $"-Transport Ssh needs an SSH session to '{name}'. Open one with Connect-SwarmHost -HostName {name}.", name);
            reporter.Verbose($"Reaching the engine through SSH (docker system dial-stdio) as {session.UserName}@{session.Address}.");
            using DockerConnection connection = await DockerConnection.OpenOverSshAsync(session, token).ConfigureAwait(false);
            return await connection.DescribeAsync(false, token).ConfigureAwait(false);
        }

        private static string NameOf(PSObject item) => item.BaseObject switch
        {
            DockerHost engine => engine.Name,
            SwarmHost host => host.Name,
            _ => item.BaseObject.ToString() ?? string.Empty,
        };
    }
}
