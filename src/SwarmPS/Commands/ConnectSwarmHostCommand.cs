using System.Collections.Generic;
using System.Management.Automation;
using SwarmPS.Engine.Ssh;
using SwarmPS.Infrastructure;

namespace SwarmPS.Commands
{
    /// <summary>
    /// <para type="synopsis">Opens SSH sessions to hosts, verifying their host keys, and keeps them for later commands.</para>
    /// </summary>
    [Cmdlet(VerbsCommunications.Connect, "SwarmHost", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
    [OutputType(typeof(SwarmHost))]
    public sealed class ConnectSwarmHostCommand : HostTargetCmdlet
    {
        private readonly List<SshTarget> targets = new List<SshTarget>();

        /// <summary>Host names or addresses to connect to.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("ComputerName", "Name")]
        [ValidateNotNullOrEmpty]
        public string[] HostName { get; set; } = System.Array.Empty<string>();

        protected override void ProcessRecord()
        {
            foreach (string name in HostName)
            {
                if (ShouldProcess(name, AcceptNewHostKey.IsPresent ? "Open an SSH session, trusting and recording a host key seen for the first time" : "Open an SSH session"))
                {
                    targets.Add(TargetFor(name, Port, UserName, KeyFile));
                }
            }
        }

        protected override void EndProcessing()
        {
            HostConnector connector = CreateConnector();
            bool acceptNew = AcceptNewHostKey.IsPresent;
            RunAsync(channel => HostFanOut.RunAsync(
                channel,
                targets,
                target => target.HostName,
                "Connecting to hosts",
                ThrottleLimit,
                async (target, reporter, token) =>
                {
                    HostSession? existing = Sessions.FindHost(target.HostName);
                    if (existing != null && existing.Connected && existing.Port == target.Port && existing.UserName == target.UserName)
                    {
                        reporter.Verbose($"Already connected as {existing.UserName}; nothing to do.");
                        return existing.ToSwarmHost();
                    }

                    HostSession session = await connector.ConnectAsync(target, acceptNew, reporter, token).ConfigureAwait(false);
                    Sessions.AddHost(session);
                    return session.ToSwarmHost();
                },
                StopToken));
        }
    }
}
