using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using SwarmPS.Engine.Objects;
using SwarmPS.Infrastructure;

namespace SwarmPS.Commands
{
    /// <summary>
    /// <para type="synopsis">Removes secrets from the cluster; one a container uses is refused (SecretInUse, naming the containers).</para>
    /// </summary>
    [Cmdlet(VerbsCommon.Remove, "SwarmSecret", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, DefaultParameterSetName = NameSet)]
    [OutputType(typeof(void))]
    public sealed class RemoveSwarmSecretCommand : RemoveClusterObjectCmdlet
    {
        /// <summary>Secrets as Get-SwarmSecret or New-SwarmSecret return them.</summary>
        [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = ObjectSet)]
        public SwarmSecret[] InputObject { get; set; } = Array.Empty<SwarmSecret>();

        internal override ObjectKind Kind => ObjectKind.Secret;

        protected override IEnumerable<string> PipedNames => InputObject.Select(o => o.Name);
    }
}
