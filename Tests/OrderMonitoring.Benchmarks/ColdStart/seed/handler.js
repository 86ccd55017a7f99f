// The seed design's Lambda handler, verbatim: the inline ZipFile of its CloudFormation template (nodejs,
// AWS SDK v3 as the Lambda Node.js runtime ships it). Kept only so `build.ps1 bench` can time its cold start
// beside ours; it is not part of the product.
const { S3Client, PutObjectCommand } = require('@aws-sdk/client-s3');
const { SNSClient, PublishCommand } = require('@aws-sdk/client-sns');

const s3Client = new S3Client();
const snsClient = new SNSClient();

const AUDIT_BUCKET_NAME = process.env.AUDIT_BUCKET_NAME;
const SNS_TOPIC_ARN = process.env.SNS_TOPIC_ARN;

exports.handler = async (event) => {
  console.log('Processing DynamoDB stream event:', JSON.stringify(event, null, 2));
  
  try {
    for (const record of event.Records) {
      if (record.eventName === 'INSERT' || record.eventName === 'MODIFY') {
        const newImage = record.dynamodb.NewImage;
        
        const orderId = newImage.orderId?.S;
        const status = newImage.status?.S;
        const timestamp = newImage.timestamp?.N;
        
        if (!orderId || !timestamp) {
          console.error('Missing required fields in record:', record);
          continue;
        }
        
        // Create audit log
        const auditLog = {
          orderId: orderId,
          status: status || 'UNKNOWN',
          timestamp: parseInt(timestamp),
          eventType: record.eventName,
          processedAt: new Date().toISOString()
        };
        
        // Write to S3
        const s3Key = `orders/${orderId}/${timestamp}.json`;
        await s3Client.send(new PutObjectCommand({
          Bucket: AUDIT_BUCKET_NAME,
          Key: s3Key,
          Body: JSON.stringify(auditLog, null, 2),
          ContentType: 'application/json'
        }));
        
        console.log(`Audit log written to S3: ${s3Key}`);
        
        // Send SNS alert for failed orders
        if (status === 'FAILED') {
          await snsClient.send(new PublishCommand({
            TopicArn: SNS_TOPIC_ARN,
            Subject: `Order Failed: ${orderId}`,
            Message: JSON.stringify(auditLog, null, 2)
          }));
          
          console.log(`Alert sent for failed order: ${orderId}`);
        }
      }
    }
    
    return {
      statusCode: 200,
      body: JSON.stringify({ message: 'Processing complete' })
    };
  } catch (error) {
    console.error('Error processing records:', error);
    throw error;
  }
};
