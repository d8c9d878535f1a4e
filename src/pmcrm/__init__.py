"""pmcrm: pure, typed domain logic for property-service CRM (物业客户关系管理)."""
