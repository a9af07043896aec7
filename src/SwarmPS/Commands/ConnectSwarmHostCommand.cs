using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using System.Management.Automation.Host;
using System.Management.Automation;
using SwarmPS.Engine.Ssh;
using SwarmPS.Infrastructure;

namespace SwarmPS.Commands
{
    /// <summary>
    /// <para type="synopsis">Opens SSH sessions to hosts, verifying their host keys, and keeps them for later commands.</para>
    /// </summary>
    [Cmdlet(VerbsCommunications.Connect, "SwarmHost", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low, DefaultParameterSetName = NameSet)]
    [OutputType(typeof(SwarmHost))]
    public sealed class ConnectSwarmHostCommand : HostTargetCmdlet
    {
        private readonly List<SshTarget> targets = new List<SshTarget>();

        protected override void ProcessRecord()
        {
            foreach (HostInput input in CurrentInputs())
            {
                if (ShouldProcess(input.Name, AcceptNewHostKey.IsPresent ? "Open an SSH session, trusting and recording a host key seen for the first time" : "Open an SSH session"))
                {
                    targets.Add(TargetFor(input.Name, input.Port ?? Port, input.UserName ?? UserName, KeyFile));
                }
            }
        }

        protected override void EndProcessing()
        {
            HostConnector connector = CreateConnector();
            bool acceptNew = AcceptNewHostKey.IsPresent;

            // In an interactive session an unknown host key is asked about, as ssh does; elsewhere it is an error.
            bool mayAsk = !acceptNew && IsInteractive();
            var unknown = new ConcurrentQueue<(SshTarget Target, SwarmException Failure)>();
            RunAsync(channel => HostFanOut.RunAsync(
                channel,
                targets,
                target => target.HostName,
                "Connecting to hosts",
                ThrottleLimit,
                (target, reporter, token) => ConnectAsync(connector, target, acceptNew, reporter, token),
                StopToken,
                (target, failure) =>
                {
                    bool hold = mayAsk && failure.ErrorId == "HostKeyUnknown";
                    if (hold)
                    {
                        unknown.Enqueue((target, failure));
                    }

                    return hold;
                }));

            foreach ((SshTarget target, SwarmException failure) in unknown)
            {
                if (!Ask(failure))
                {
                    WriteSwarmError(failure, target.HostName);
                    continue;
                }

                RunAsync(channel => HostFanOut.RunAsync(
                    channel,
                    new[] { target },
                    t => t.HostName,
                    "Connecting to hosts",
                    1,
                    (t, reporter, token) => ConnectAsync(connector, t, acceptNew: false, reporter, token, (failure as HostKeyUnknownException)?.Fingerprint),
                    StopToken));
            }
        }

        // approvedFingerprint: the key the user said yes to; the retry trusts that key only, not whatever the host shows next.
        private async Task<object?> ConnectAsync(HostConnector connector, SshTarget target, bool acceptNew, IOperationReporter reporter, CancellationToken token, string? approvedFingerprint = null)
        {
            HostSession? existing = Sessions.FindHost(target.HostName);
            if (existing != null && existing.Connected && existing.Port == target.Port && existing.UserName == target.UserName)
            {
                reporter.Verbose($"Already connected as {existing.UserName}; nothing to do.");
                return existing.ToSwarmHost();
            }

            HostSession session = await connector.ConnectAsync(target, acceptNew, reporter, token, approvedFingerprint).ConfigureAwait(false);
            Sessions.AddHost(session);
            return session.ToSwarmHost();
        }

        private bool Ask(SwarmException failure)
        {
            try
            {
                // No is the default, as with ssh: trusting a key must be a deliberate answer.
                var choices = new Collection<ChoiceDescription>
                {
                    new ChoiceDescription("&Yes", "Trust this key, record it in known_hosts and connect."),
                    new ChoiceDescription("&No", "Do not connect; the key stays unknown."),
                };
                return Host.UI.PromptForChoice("Unknown SSH host key", $"{failure.Message} Trust this key, record it and connect?", choices, 1) == 0;
            }
            catch (Exception refused) when (refused is PSInvalidOperationException || refused is HostException || refused is NotImplementedException)
            {
                // The host cannot prompt after all (a -NonInteractive or hosted session): the key stays unknown.
                return false;
            }
        }

        private bool IsInteractive()
        {
            // A hosted runspace, or a console whose input is a pipe or file, has nobody to answer.
            if (Host?.UI?.RawUI == null || string.Equals(Host.Name, "Default Host", StringComparison.Ordinal) || Console.IsInputRedirected)
            {
                return false;
            }

            // pwsh -NonInteractive (or any abbreviation down to -noni) cannot prompt.
            return !Environment.GetCommandLineArgs().Any(argument => argument.StartsWith("-noni", StringComparison.OrdinalIgnoreCase));
        }
    }
}
