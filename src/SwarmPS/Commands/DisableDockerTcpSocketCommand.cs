using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using SwarmPS.Engine.Provisioning;
using SwarmPS.Engine.Ssh;
using SwarmPS.Infrastructure;

namespace SwarmPS.Commands
{
    /// <summary>
    /// <para type="synopsis">Puts hosts back as they were before Enable-DockerTcpSocket: original files restored, TCP listener removed, engine restarted.</para>
    /// </summary>
    [Cmdlet(VerbsLifecycle.Disable, "DockerTcpSocket", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, DefaultParameterSetName = NameSet)]
    [OutputType(typeof(SwarmHost))]
    public sealed class DisableDockerTcpSocketCommand : HostTargetCmdlet
    {
        private readonly List<SshTarget> targets = new List<SshTarget>();

        /// <summary>Restart the engine even when containers are running; they stop.</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        /// <summary>Write the host's session object for each host that was restored.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void ProcessRecord()
        {
            targets.AddRange(CurrentInputs().Select(ResolveTarget));
        }

        protected override void EndProcessing()
        {
            HostConnector connector = CreateConnector();
            bool acceptNew = AcceptNewHostKey.IsPresent;

            // 1. Find the hosts SwarmPS changed; the others have nothing to undo.
            var changed = new List<HostSession>();
            RunAsync(channel => HostFanOut.RunAsync(
                channel,
                targets,
                target => target.HostName,
                "Checking hosts",
                ThrottleLimit,
                async (target, reporter, token) =>
                {
                    HostSession session = await SessionForAsync(target, connector, acceptNew, reporter, token).ConfigureAwait(false);
                    if (await DockerTcpSocketService.WasChangedAsync(session, reporter, token).ConfigureAwait(false))
                    {
                        lock (changed)
                        {
                            changed.Add(session);
                        }
                    }

                    return null;
                },
                StopToken));

            // 2. Ask on the pipeline thread; 3. restore the approved hosts in parallel.
            var approved = changed
                .OrderBy(session => session.Name, StringComparer.OrdinalIgnoreCase)
                .Where(session => ShouldProcess(session.Name, "Remove the TCP socket, take SwarmPS's TLS settings and labels out of daemon.json (later edits kept), remove its TLS files and restart the Docker engine"))
                .ToList();
            RunAsync(channel => HostFanOut.RunAsync(
                channel,
                approved,
                session => session.Name,
                "Restoring the Docker configuration",
                ThrottleLimit,
                async (session, reporter, token) =>
                {
                    await DockerTcpSocketService.DisableAsync(session, Force.IsPresent, reporter, token).ConfigureAwait(false);

                    // The TCP endpoint is gone: its client is of no use any more.
                    Sessions.RemoveEngines(session.Name);
                    return PassThru.IsPresent ? session.ToSwarmHost() : null;
                },
                StopToken));
        }
    }
}
