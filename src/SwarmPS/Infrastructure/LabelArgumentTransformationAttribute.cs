using System.Collections;
using System.Collections.Generic;
using System.Management.Automation;

namespace SwarmPS.Infrastructure
{
    /// <summary>
    /// Lets -Label take a hashtable (@{storage='ssd'}) as well as key=value strings, including a
    /// CSV column, by turning everything into key=value strings before binding.
    /// </summary>
    public sealed class LabelArgumentTransformationAttribute : ArgumentTransformationAttribute
    {
        public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
        {
            object value = inputData is PSObject wrapped ? wrapped.BaseObject : inputData;
            if (value is IDictionary dictionary)
            {
                var labels = new List<string>();
                foreach (DictionaryEntry entry in dictionary)
                {
                    labels.Add($"{entry.Key}={entry.Value}");
                }

                return labels.ToArray();
            }

            return inputData;
        }
    }
}
