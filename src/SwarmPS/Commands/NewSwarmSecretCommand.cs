using System.Management.Automation;
using SwarmPS.Engine.Objects;
using SwarmPS.Infrastructure;

namespace SwarmPS.Commands
{
    /// <summary>
    /// <para type="synopsis">Creates a swarm secret from a SecureString, a PSCredential, a byte[], a string or a file, as docker secret create does; the value is never shown again.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.New, "SwarmSecret", SupportsShouldProcess = true, DefaultParameterSetName = ValueSet)]
    [OutputType(typeof(SwarmSecret))]
    public sealed class NewSwarmSecretCommand : NewClusterObjectCmdlet
    {
        /// <summary>The value: a SecureString, a PSCredential (its password), a byte[], a string, or what SecretManagement's Get-Secret returns; piped values are taken too.</summary>
        [Parameter(Mandatory = true, Position = 1, ValueFromPipeline = true, ParameterSetName = ValueSet)]
        [AllowEmptyString]
        public object? Value { get; set; }

        internal override ObjectKind Kind => ObjectKind.Secret;

        protected override object? ValueInput => Value;
    }
}
