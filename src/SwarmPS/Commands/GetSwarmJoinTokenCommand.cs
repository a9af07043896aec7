using System.Management.Automation;
using System.Security;
using SwarmPS.Engine.Cluster;
using SwarmPS.Infrastructure;

namespace SwarmPS.Commands
{
    /// <summary>
    /// <para type="synopsis">Gets the token that lets a node join the cluster as a worker or manager: a SecureString unless -AsPlainText.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "SwarmJoinToken", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(SecureString), typeof(string))]
    public sealed class GetSwarmJoinTokenCommand : ClusterCmdlet
    {
        /// <summary>Worker or Manager.</summary>
        [Parameter(Mandatory = true, Position = 0)]
        [ValidateSet("Worker", "Manager", IgnoreCase = true)]
        public string Role { get; set; } = string.Empty;

        /// <summary>Return the token as plain text. It grants membership of the swarm: keep it secret.</summary>
        [Parameter]
        public SwitchParameter AsPlainText { get; set; }

        /// <summary>Replace the token with a new one; the old one stops working.</summary>
        [Parameter]
        public SwitchParameter Rotate { get; set; }

        protected override void ProcessRecord()
        {
            ClusterContext context = ResolveContext();
            ClusterRecord record = context.Record;
            string role = Role.ToLowerInvariant();
            if (Rotate.IsPresent && !ShouldProcess(record.Name, $"Rotate the {role} join token"))
            {
                return;
            }

            string token = string.Empty;
            RunAsync(async channel => token = await Service.GetJoinTokenAsync(context, role, Rotate.IsPresent, channel.ReporterFor(record.Name, "Join token"), StopToken).ConfigureAwait(false));
            if (AsPlainText.IsPresent)
            {
                WriteObject(token);
                return;
            }

            var secure = new SecureString();
            foreach (char c in token)
            {
                secure.AppendChar(c);
            }

            secure.MakeReadOnly();
            WriteObject(secure);
        }
    }
}
